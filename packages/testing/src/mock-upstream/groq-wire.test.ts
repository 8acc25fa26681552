import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
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

  describe('structured output', () => {
    const schema = {
      type: 'object',
      properties: { verdict: { type: 'string', enum: ['yes', 'no'] }, reason: { type: 'string' } },
      required: ['verdict', 'reason'],
    };
    const validate = new Ajv2020().compile(schema);

    it('answers a json_schema response_format with JSON that validates', async () => {
      const completion = await client.chat.completions.create({
        model: 'echo',
        messages: MESSAGES,
        response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema } },
      });
      const value = JSON.parse(completion.choices[0]?.message.content ?? '');
      expect(validate(value)).toBe(true);
      expect(value).toEqual({ verdict: 'yes', reason: 'Groq speaks the OpenAI wire' });
    });

    it('answers a forced tool call, broken while schema_break_times allows', async () => {
      const model = mockModelId({ schemaBreak: 'wrong_type', schemaBreakTimes: 1 });
      const request = {
        model,
        tools: [{ type: 'function' as const, function: { name: 'judge', parameters: schema } }],
        tool_choice: { type: 'function' as const, function: { name: 'judge' } },
      };
      const first = await client.chat.completions.create({ ...request, messages: MESSAGES });
      const broken = first.choices[0]?.message.tool_calls?.[0]?.function.arguments ?? '';
      expect(first.choices[0]?.finish_reason).toBe('tool_calls');
      expect(JSON.parse(broken)).toMatchObject({ verdict: 12345 });

      const reask = await client.chat.completions.create({
        ...request,
        messages: [
          ...MESSAGES,
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'judge', arguments: broken } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'verdict must be one of yes, no' },
        ],
      });
      expect(validate(JSON.parse(reask.choices[0]?.message.tool_calls?.[0]?.function.arguments ?? ''))).toBe(true);
      expect(mock.structuredRequests.get(model)).toBe(2);
    });
  });

  it('lists the echo model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['echo']);
  });
});
