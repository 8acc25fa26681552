import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProviderAdapter } from '../create-provider-adapter';

describe('TgiAdapter paths', () => {
  let mock: MockUpstream;
  const messages = [{ role: 'user' as const, content: 'hi there' }];

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it.each([
    ['the Messages API by default', undefined, '/v1/chat/completions'],
    ['the native /generate when configured', true, '/generate'],
  ])('uses %s', async (_name, nativeGenerate, path) => {
    const adapter = createProviderAdapter({ name: 'tgi', kind: 'tgi', baseUrl: mock.url, nativeGenerate });
    const completion = await adapter.generate({ model: 'tgi', request: { model: 'x', messages } });
    expect(completion.choices[0]?.message.content).toBe('hi there');
    expect(mock.requests.map((request) => request.path)).toStrictEqual([path]);
  });

  it('sends the ChatML prompt and asks for the details that carry usage', async () => {
    const adapter = createProviderAdapter({ name: 'tgi', kind: 'tgi', baseUrl: mock.url, nativeGenerate: true });
    await adapter.generate({ model: 'tgi', request: { model: 'x', messages, max_tokens: 5 } });
    expect(mock.requests[0]?.body).toStrictEqual({
      model: 'tgi',
      inputs: '<|im_start|>user\nhi there<|im_end|>\n<|im_start|>assistant\n',
      parameters: { stop: ['<|im_end|>'], details: true, decoder_input_details: true, max_new_tokens: 5 },
    });
  });
});
