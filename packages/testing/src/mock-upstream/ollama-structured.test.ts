import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { jsonrepair } from 'jsonrepair';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { NOT_JSON_PROSE, TRAILING_PROSE } from './schema-break';

// The SDK is a dependency of the providers package, whose adapters this mock serves.
const load = createRequire(join(__dirname, '..', '..', '..', 'providers', 'package.json'));
const { Ollama } = load('ollama') as typeof import('../../../providers/node_modules/ollama');
type Ollama = InstanceType<typeof Ollama>;

const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 3 },
    released: { type: 'string', format: 'date-time' },
    rating: { type: 'number', minimum: 0, maximum: 5 },
    tags: { type: 'array', items: { type: 'string', enum: ['fast', 'local'] } },
  },
  required: ['name', 'rating'],
};
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(SCHEMA);
const QUESTION = 'rate this local model';
const MESSAGES = [{ role: 'user', content: QUESTION }];
const TOOL = { type: 'function', function: { name: 'rate_model', description: 'Rates a model', parameters: SCHEMA } };

describe('structured output from the mock through the ollama package', () => {
  let mock: MockUpstream;
  let client: Ollama;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new Ollama({ host: mock.url });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers format with a schema with JSON that validates', async () => {
    const response = await client.chat({ model: 'echo', messages: MESSAGES, format: SCHEMA, stream: false });
    const value = JSON.parse(response.message.content);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(value.name).toBe(QUESTION);
    expect(response.done_reason).toBe('stop');
  });

  it("answers format 'json' with a JSON object", async () => {
    const response = await client.chat({ model: 'echo', messages: MESSAGES, format: 'json', stream: false });
    expect(JSON.parse(response.message.content)).toEqual({ answer: QUESTION });
    expect(mock.requests[0]?.structured).toBe('json_object');
  });

  it('streams JSON that reassembles to the unstreamed answer', async () => {
    const whole = (await client.chat({ model: 'echo', messages: MESSAGES, format: SCHEMA, stream: false })).message.content;
    let text = '';
    for await (const part of await client.chat({ model: 'echo', messages: MESSAGES, format: SCHEMA, stream: true })) text += part.message.content;
    expect(text).toBe(whole);
  });

  it('calls the one offered tool with arguments shaped by its parameters', async () => {
    const response = await client.chat({ model: 'echo', messages: MESSAGES, tools: [TOOL], stream: false });
    expect(response.message.content).toBe('');
    expect(response.message.tool_calls).toHaveLength(1);
    expect(response.message.tool_calls?.[0]?.function.name).toBe('rate_model');
    expect(validate(response.message.tool_calls?.[0]?.function.arguments)).toBe(true);
    expect(response.done_reason).toBe('stop');
  });

  it('streams the tool call whole before the done line', async () => {
    const parts = [];
    for await (const part of await client.chat({ model: 'echo', messages: MESSAGES, tools: [TOOL], stream: true })) parts.push(part);
    const calls = parts.flatMap((part) => part.message.tool_calls ?? []);
    expect(calls).toHaveLength(1);
    expect(validate(calls[0]?.function.arguments)).toBe(true);
    expect(parts.at(-1)?.done).toBe(true);
  });

  it('answers text when several tools are offered, since Ollama cannot force one', async () => {
    const other = { type: 'function', function: { name: 'other', parameters: { type: 'object' } } };
    const response = await client.chat({ model: 'echo', messages: MESSAGES, tools: [TOOL, other], stream: false });
    expect(response.message.content).toBe(QUESTION);
    expect(response.message.tool_calls).toBeUndefined();
  });

  it.each([
    ['wrong_type', (text: string) => expect(validate(JSON.parse(text))).toBe(false)],
    ['missing_field', (text: string) => expect(JSON.parse(text)).not.toHaveProperty('name')],
    ['trailing_prose', (text: string) => expect(text.endsWith(TRAILING_PROSE)).toBe(true)],
    [
      'truncated',
      (text: string) => {
        expect(() => JSON.parse(text)).toThrow();
        expect(JSON.parse(jsonrepair(text))).toMatchObject({ name: QUESTION });
      },
    ],
    ['not_json', (text: string) => expect(text).toBe(NOT_JSON_PROSE)],
    ['code_fence', (text: string) => expect(text).toMatch(/^```json\n/)],
  ] as const)('breaks streamed format answers with schema_break=%s', async (mode, check) => {
    let text = '';
    const model = mockModelId({ schemaBreak: mode });
    for await (const part of await client.chat({ model, messages: MESSAGES, format: SCHEMA, stream: true })) text += part.message.content;
    check(text);
  });

  it('breaks tool-call arguments, and answers text in place of the call for text breaks', async () => {
    const wrong = await client.chat({ model: mockModelId({ schemaBreak: 'missing_field' }), messages: MESSAGES, tools: [TOOL], stream: false });
    expect(wrong.message.tool_calls?.[0]?.function.arguments).not.toHaveProperty('name');

    const prose = await client.chat({ model: mockModelId({ schemaBreak: 'not_json' }), messages: MESSAGES, tools: [TOOL], stream: false });
    expect(prose.message.tool_calls).toBeUndefined();
    expect(prose.message.content).toBe(NOT_JSON_PROSE);
  });

  it('with schema_break_times=2 breaks until the request holds two assistant turns', async () => {
    const model = mockModelId({ schemaBreak: 'code_fence', schemaBreakTimes: 2 });
    const turns = [...MESSAGES];
    const answers: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await client.chat({ model, messages: turns, format: SCHEMA, stream: false });
      answers.push(response.message.content);
      turns.push({ role: 'assistant', content: response.message.content }, { role: 'user', content: 'Bare JSON only, please.' });
    }
    expect(answers.map((answer) => answer.startsWith('```json'))).toEqual([true, true, false]);
    expect(validate(JSON.parse(answers[2] ?? ''))).toBe(true);
    expect(mock.structuredRequests.get(model)).toBe(3);
  });
});
