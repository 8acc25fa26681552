import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LLAMACPP_MOCK_N_CTX, LLAMACPP_MOCK_SLOTS } from './llamacpp-protocol';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';
import { messagesOfPrompt, TGI_MOCK_MAX_TOTAL_TOKENS } from './tgi-protocol';

const PROMPT = '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nlocal models answer here<|im_end|>\n<|im_start|>assistant\n';
const MESSAGES = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'local models answer here' },
];
const ECHO = 'local models answer here';

describe('messagesOfPrompt', () => {
  it.each([
    ['a ChatML prompt without the open assistant turn', PROMPT, MESSAGES],
    ['plain text as one user message', 'just text', [{ role: 'user', content: 'just text' }]],
    ['multi-line content', '<|im_start|>user\na\nb<|im_end|>\n', [{ role: 'user', content: 'a\nb' }]],
  ])('reads %s', (_name, prompt, messages) => {
    expect(messagesOfPrompt(prompt)).toStrictEqual(messages);
  });
});

describe('mock upstream as TGI and llama-server', () => {
  let mock: MockUpstream;
  const post = (path: string, body: unknown) =>
    fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers /generate with details and the prompt tokens as prefill', async () => {
    const response = await post('/generate', { inputs: PROMPT, parameters: { details: true, decoder_input_details: true, seed: 7 } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      generated_text: string;
      details: { finish_reason: string; generated_tokens: number; seed: number; prefill: unknown[]; tokens: unknown[] };
    };
    expect(body.generated_text).toBe(ECHO);
    expect(body.details).toMatchObject({ finish_reason: 'eos_token', generated_tokens: mockTokenCount(ECHO), seed: 7 });
    expect(body.details.prefill).toHaveLength(mockPromptTokenCount(MESSAGES));
    expect(body.details.tokens).toHaveLength(mockTokenCount(ECHO));
    expect(mock.requests.map((r) => r.path)).toStrictEqual(['/generate']);
  });

  it('leaves out details unless asked, and the prefill unless decoder_input_details', async () => {
    expect(await (await post('/generate', { inputs: PROMPT })).json()).toStrictEqual({ generated_text: ECHO });
    const body = (await (await post('/generate', { inputs: PROMPT, parameters: { details: true } })).json()) as { details: { prefill: unknown[] } };
    expect(body.details.prefill).toStrictEqual([]);
  });

  it('stops at max_new_tokens with finish_reason length', async () => {
    const body = (await (await post('/generate', { inputs: PROMPT, parameters: { max_new_tokens: 2, details: true } })).json()) as {
      generated_text: string;
      details: { finish_reason: string; generated_tokens: number };
    };
    expect(body.generated_text).toBe('local models');
    expect(body.details).toMatchObject({ finish_reason: 'length', generated_tokens: 2 });
  });

  it.each([
    [429, { error: 'Model is overloaded', error_type: 'overloaded' }],
    [424, { error: 'Request failed during generation: mock upstream was asked to fail', error_type: 'generation' }],
    [422, { error: 'Input validation error: mock upstream was asked to fail', error_type: 'validation' }],
  ])('fails with %i in TGI error shape when the model id in the body asks', async (status, body) => {
    const response = await post('/generate', { model: mockModelId({ status }), inputs: PROMPT });
    expect(response.status).toBe(status);
    expect(await response.json()).toStrictEqual(body);
  });

  it.each([
    [{ inputs: '' }, 'Input validation error: `inputs` cannot be empty'],
    [{ inputs: PROMPT, parameters: { max_new_tokens: 0 } }, 'Input validation error: `max_new_tokens` must be strictly positive'],
  ])('refuses %j with a validation error', async (request, error) => {
    const response = await post('/generate', request);
    expect(response.status).toBe(422);
    expect(await response.json()).toStrictEqual({ error, error_type: 'validation' });
  });

  it('streams /generate_stream as one event per token and a closing event with the text', async () => {
    const response = await post('/generate_stream', { inputs: PROMPT, parameters: { details: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text())
      .split('\n\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line.slice('data:'.length)) as { token: { text: string; special: boolean }; generated_text: string | null; details: unknown });
    expect(
      events
        .filter((event) => !event.token.special)
        .map((event) => event.token.text)
        .join(''),
    ).toBe(ECHO);
    expect(events.at(-1)).toMatchObject({ generated_text: ECHO, details: { finish_reason: 'eos_token', generated_tokens: mockTokenCount(ECHO) } });
  });

  it('describes itself on /info', async () => {
    expect(await (await fetch(`${mock.url}/info`)).json()).toMatchObject({ model_id: 'echo', max_total_tokens: TGI_MOCK_MAX_TOTAL_TOKENS });
  });

  it("answers llama-server's /health and /props", async () => {
    expect(await (await fetch(`${mock.url}/health`)).json()).toStrictEqual({ status: 'ok' });
    expect(await (await fetch(`${mock.url}/props`)).json()).toMatchObject({
      default_generation_settings: { n_ctx: LLAMACPP_MOCK_N_CTX },
      total_slots: LLAMACPP_MOCK_SLOTS,
    });
  });
});
