import Ajv2020 from 'ajv/dist/2020';
import { jsonrepair } from 'jsonrepair';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { NOT_JSON_PROSE, TRAILING_PROSE } from './schema-break';

const SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string' }, year: { type: 'integer', minimum: 1900, maximum: 2100 }, genres: { type: 'array', items: { type: 'string' } } },
  required: ['title', 'year'],
  additionalProperties: false,
};
const validate = new Ajv2020({ allErrors: true }).compile(SCHEMA);
const QUESTION = 'name a film about trains';
const chatml = (...turns: [string, string][]) => `${turns.map(([role, text]) => `<|im_start|>${role}\n${text}<|im_end|>\n`).join('')}<|im_start|>assistant\n`;
const PROMPT = chatml(['user', QUESTION]);

describe('structured output from the mock as TGI', () => {
  let mock: MockUpstream;
  const post = async (path: string, body: unknown) =>
    fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const generate = async (body: Record<string, unknown>) => ((await (await post('/generate', body)).json()) as { generated_text: string }).generated_text;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers parameters.grammar of type json on /generate with JSON that validates', async () => {
    const text = await generate({ inputs: PROMPT, parameters: { grammar: { type: 'json', value: SCHEMA } } });
    const value = JSON.parse(text);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(value.title).toBe(QUESTION);
    expect(mock.requests[0]?.structured).toBe('json_schema');
  });

  it('takes the grammar schema as JSON text too', async () => {
    const text = await generate({ inputs: PROMPT, parameters: { grammar: { type: 'json', value: JSON.stringify(SCHEMA) } } });
    expect(validate(JSON.parse(text))).toBe(true);
  });

  it('ignores a regex grammar', async () => {
    expect(await generate({ inputs: PROMPT, parameters: { grammar: { type: 'regex', value: '.*' } } })).toBe(QUESTION);
    expect(mock.structuredRequests.size).toBe(0);
  });

  it('follows a schema in the ChatML system turn', async () => {
    const text = await generate({ inputs: chatml(['system', `JSON Schema:\n${JSON.stringify(SCHEMA)}`], ['user', QUESTION]) });
    expect(validate(JSON.parse(text))).toBe(true);
  });

  it('streams /generate_stream tokens that reassemble to the closing generated_text', async () => {
    const response = await post('/generate_stream', { inputs: PROMPT, parameters: { grammar: { type: 'json', value: SCHEMA } } });
    const events = (await response.text())
      .split('\n\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line.slice('data:'.length)) as { token: { text: string; special: boolean }; generated_text: string | null });
    const text = events
      .filter((event) => !event.token.special)
      .map((event) => event.token.text)
      .join('');
    expect(events.at(-1)?.generated_text).toBe(text);
    expect(validate(JSON.parse(text))).toBe(true);
  });

  it('breaks by the directives of the model in the body, until the prompt holds an assistant turn', async () => {
    const model = mockModelId({ schemaBreak: 'trailing_prose', schemaBreakTimes: 1 });
    const grammar = { type: 'json', value: SCHEMA };
    const first = await generate({ model, inputs: PROMPT, parameters: { grammar } });
    expect(first.endsWith(TRAILING_PROSE)).toBe(true);
    const reask = await generate({ model, inputs: chatml(['user', QUESTION], ['assistant', first], ['user', 'JSON only.']), parameters: { grammar } });
    expect(validate(JSON.parse(reask))).toBe(true);
    expect(mock.structuredRequests.get(model)).toBe(2);
  });

  it('answers the Messages API grammar field and response_format with a value', async () => {
    for (const extra of [{ grammar: { type: 'json', value: SCHEMA } }, { response_format: { type: 'json_object', value: SCHEMA } }]) {
      const response = await post('/v1/chat/completions', { model: 'tgi', messages: [{ role: 'user', content: QUESTION }], ...extra });
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(validate(JSON.parse(body.choices[0]?.message.content ?? ''))).toBe(true);
    }
  });
});

describe('structured output from the mock as llama-server and vLLM through the OpenAI SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'x', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  const chat = async (model: string, extra: Record<string, unknown>) =>
    (
      await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: QUESTION }],
        ...extra,
      } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
    ).choices[0]?.message.content ?? '';

  it.each([
    ['top-level json_schema (llama-server)', { json_schema: SCHEMA }],
    ['response_format json_object with a schema (llama-server)', { response_format: { type: 'json_object', schema: SCHEMA } }],
    ['guided_json (vLLM)', { guided_json: SCHEMA }],
  ])('honours %s', async (_name, extra) => {
    expect(validate(JSON.parse(await chat('echo', extra)))).toBe(true);
  });

  it('breaks llama-server answers too, streamed and not', async () => {
    const model = mockModelId({ schemaBreak: 'truncated' });
    const whole = await chat(model, { json_schema: SCHEMA });
    expect(() => JSON.parse(whole)).toThrow();
    expect(JSON.parse(jsonrepair(whole))).toMatchObject({ title: QUESTION });

    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: QUESTION }],
      stream: true,
      json_schema: SCHEMA,
    } as OpenAI.Chat.ChatCompletionCreateParamsStreaming);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(whole);
    expect(await chat(mockModelId({ schemaBreak: 'not_json' }), { json_schema: SCHEMA })).toBe(NOT_JSON_PROSE);
  });
});
