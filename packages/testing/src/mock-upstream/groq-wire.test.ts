import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';

// The SDK is a dependency of the providers package, whose adapters this mock serves.
const load = createRequire(join(__dirname, '..', '..', '..', 'providers', 'package.json'));
const { Groq } = load('groq-sdk') as typeof import('../../../providers/node_modules/groq-sdk');
type Groq = InstanceType<typeof Groq>;

const MESSAGES = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Groq speaks the OpenAI wire' },
];

describe('mock upstream through groq-sdk', () => {
  let mock: MockUpstream;
  let client: Groq;

  beforeAll(async () => {
    mock = await startMockUpstream();
    // groq-sdk appends /openai/v1/... to the base URL itself.
    client = new Groq({ apiKey: 'x', baseURL: mock.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers a completion with exact usage and records it under the Groq path', async () => {
    const completion = await client.chat.completions.create({ model: 'echo', messages: MESSAGES });

    expect(completion.choices[0]?.message.content).toBe('Groq speaks the OpenAI wire');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const completionTokens = mockTokenCount('Groq speaks the OpenAI wire');
    expect(completion.usage).toEqual(
      expect.objectContaining({
        prompt_tokens: mockPromptTokenCount(MESSAGES),
        completion_tokens: completionTokens,
        total_tokens: mockPromptTokenCount(MESSAGES) + completionTokens,
      }),
    );
    expect(mock.requests.map((r) => [r.method, r.path])).toEqual([['POST', '/openai/v1/chat/completions']]);
  });

  it('streams the echo', async () => {
    const stream = await client.chat.completions.create({ model: 'echo', messages: MESSAGES, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Groq speaks the OpenAI wire');
  });

  it('surfaces a 429 with retry-after as a RateLimitError', async () => {
    const error = await client.chat.completions
      .create({ model: mockModelId({ status: 429, retryAfterSeconds: 7 }), messages: MESSAGES })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Groq.RateLimitError);
    const rateLimit = error as InstanceType<typeof Groq.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers?.get('retry-after')).toBe('7');
  });

  it('lists the echo model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['echo']);
  });
});
