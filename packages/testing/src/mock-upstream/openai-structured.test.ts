import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { jsonrepair } from 'jsonrepair';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { NOT_JSON_PROSE, type SchemaBreak, TRAILING_PROSE } from './schema-break';

const SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    population: { type: 'integer', minimum: 1 },
    founded: { type: 'string', format: 'date' },
    districts: { type: 'array', items: { $ref: '#/$defs/district' }, minItems: 2 },
    mayor: { type: ['string', 'null'] },
  },
  required: ['city', 'population'],
  additionalProperties: false,
  $defs: { district: { type: 'object', properties: { name: { type: 'string' }, kind: { enum: ['urban', 'rural'] } }, required: ['name'] } },
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(SCHEMA);
const QUESTION = 'Describe Porto for a travel guide';
const RESPONSE_FORMAT = { type: 'json_schema', json_schema: { name: 'city', schema: SCHEMA, strict: true } } as const;
const TOOLS = [
  { type: 'function', function: { name: 'other', parameters: { type: 'object', properties: { x: { type: 'integer' } } } } },
  { type: 'function', function: { name: 'describe_city', parameters: SCHEMA } },
] as const;

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

async function collect(stream: AsyncIterable<Chunk>) {
  let content = '';
  let args = '';
  const names: string[] = [];
  const finishReasons: string[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    content += choice?.delta.content ?? '';
    for (const call of choice?.delta.tool_calls ?? []) {
      if (call.function?.name) names.push(call.function.name);
      args += call.function?.arguments ?? '';
    }
    if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
  }
  return { content, args, names, finishReasons };
}

describe('structured output from the mock through the OpenAI SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  const ask = (
    model: string,
    extra: Record<string, unknown> = { response_format: RESPONSE_FORMAT },
    messages = [{ role: 'user' as const, content: QUESTION }],
  ) => client.chat.completions.create({ model, messages, ...extra } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);

  it('answers a json_schema response_format with JSON that validates and carries the question', async () => {
    const completion = await ask('echo');
    const content = completion.choices[0]?.message.content ?? '';
    const value = JSON.parse(content) as { city: string; districts: unknown[] };

    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(value.city).toBe('Describe Porto for a travel guide');
    expect(value.districts).toHaveLength(2);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('answers json_object with a JSON object holding the echo', async () => {
    const completion = await ask('echo', { response_format: { type: 'json_object' } });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ answer: QUESTION });
  });

  it('streams structured content that reassembles to the unstreamed JSON', async () => {
    const whole = (await ask('echo')).choices[0]?.message.content;
    const streamed = await collect(
      await client.chat.completions.create({
        model: 'echo@tps=500',
        messages: [{ role: 'user', content: QUESTION }],
        response_format: RESPONSE_FORMAT,
        stream: true,
      }),
    );
    expect(streamed.content).toBe(whole);
    expect(streamed.finishReasons).toEqual(['stop']);
  });

  it('follows a schema given in the instructions after a "JSON Schema:" line', async () => {
    const completion = await ask('echo', {}, [
      { role: 'system', content: `Answer with JSON only.\nJSON Schema:\n${JSON.stringify(SCHEMA, null, 2)}` },
      { role: 'user', content: QUESTION },
    ] as never);
    expect(validate(JSON.parse(completion.choices[0]?.message.content ?? ''))).toBe(true);
    expect(mock.requests[0]?.structured).toBe('instructions');
  });

  it('answers a forced tool call with arguments shaped by its parameters', async () => {
    const completion = await ask('echo', { tools: TOOLS, tool_choice: { type: 'function', function: { name: 'describe_city' } } });
    const message = completion.choices[0]?.message;

    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBeNull();
    expect(message?.tool_calls).toHaveLength(1);
    const call = message?.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toMatch(/^call_\w+$/);
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('describe_city');
    expect(validate(JSON.parse(call.function.arguments))).toBe(true);
  });

  it("calls the only tool for tool_choice 'required' and streams its arguments", async () => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: QUESTION }],
      tools: [TOOLS[1]],
      tool_choice: 'required',
      stream: true,
    });
    const { content, args, names, finishReasons } = await collect(stream);

    expect(content).toBe('');
    expect(names).toEqual(['describe_city']);
    expect(validate(JSON.parse(args))).toBe(true);
    expect(finishReasons).toEqual(['tool_calls']);
  });

  it('answers plain text when tools are offered but not forced', async () => {
    const completion = await ask('echo', { tools: TOOLS });
    expect(completion.choices[0]?.message.content).toBe(QUESTION);
    expect(mock.structuredRequests.size).toBe(0);
  });

  describe('schema_break', () => {
    const brokenContent = async (mode: SchemaBreak) => (await ask(mockModelId({ schemaBreak: mode }))).choices[0]?.message.content ?? '';

    it('wrong_type gives the first property a value of another type', async () => {
      const value = JSON.parse(await brokenContent('wrong_type'));
      expect(validate(value)).toBe(false);
      expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/city', keyword: 'type' })]);
    });

    it('missing_field drops the first required property', async () => {
      const value = JSON.parse(await brokenContent('missing_field'));
      expect(validate(value)).toBe(false);
      expect(validate.errors).toEqual([expect.objectContaining({ keyword: 'required', params: { missingProperty: 'city' } })]);
    });

    it('trailing_prose follows valid JSON with prose', async () => {
      const content = await brokenContent('trailing_prose');
      expect(content.endsWith(TRAILING_PROSE)).toBe(true);
      expect(validate(JSON.parse(content.slice(0, -TRAILING_PROSE.length)))).toBe(true);
    });

    it('truncated cuts the JSON off so that it only parses after jsonrepair', async () => {
      const content = await brokenContent('truncated');
      expect(() => JSON.parse(content)).toThrow();
      expect(JSON.parse(jsonrepair(content))).toMatchObject({ city: QUESTION });
    });

    it('not_json answers prose', async () => {
      expect(await brokenContent('not_json')).toBe(NOT_JSON_PROSE);
    });

    it('code_fence wraps valid JSON in a json fence', async () => {
      const content = await brokenContent('code_fence');
      const fenced = /^```json\n([\s\S]*)\n```$/.exec(content);
      expect(fenced).not.toBeNull();
      expect(validate(JSON.parse(fenced?.[1] ?? ''))).toBe(true);
    });

    it('breaks streamed answers the same way', async () => {
      const model = mockModelId({ schemaBreak: 'trailing_prose' });
      const whole = (await ask(model)).choices[0]?.message.content;
      const streamed = await collect(
        await client.chat.completions.create({ model, messages: [{ role: 'user', content: QUESTION }], response_format: RESPONSE_FORMAT, stream: true }),
      );
      expect(streamed.content).toBe(whole);
      expect(streamed.content.endsWith(TRAILING_PROSE)).toBe(true);
    });

    it('breaks the arguments of a forced tool call', async () => {
      const completion = await ask(mockModelId({ schemaBreak: 'code_fence' }), {
        tools: TOOLS,
        tool_choice: { type: 'function', function: { name: 'describe_city' } },
      });
      const call = completion.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
      expect(call.function.arguments.startsWith('```json\n')).toBe(true);
      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('with schema_break_times=1 breaks the first answer and lets the re-ask comply, counting both', async () => {
      const model = mockModelId({ schemaBreak: 'wrong_type', schemaBreakTimes: 1 });
      const first = (await ask(model)).choices[0]?.message.content ?? '';
      expect(validate(JSON.parse(first))).toBe(false);

      const reask = await ask(model, { response_format: RESPONSE_FORMAT }, [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: first },
        { role: 'user', content: `Your answer did not match the schema: ${ajv.errorsText(validate.errors)}. Answer again.` },
      ] as never);
      expect(validate(JSON.parse(reask.choices[0]?.message.content ?? ''))).toBe(true);

      expect(mock.structuredRequests.get(model)).toBe(2);
      expect(mock.requests.map((request) => request.structured)).toEqual(['json_schema', 'json_schema']);
    });

    it('without schema_break_times breaks every answer, re-asks included', async () => {
      const model = mockModelId({ schemaBreak: 'not_json' });
      const reask = await ask(model, { response_format: RESPONSE_FORMAT }, [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: NOT_JSON_PROSE },
        { role: 'user', content: 'That was not JSON. Answer again.' },
      ] as never);
      expect(reask.choices[0]?.message.content).toBe(NOT_JSON_PROSE);
    });
  });
});
