import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { jsonrepair } from 'jsonrepair';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { NOT_JSON_PROSE, type SchemaBreak, TRAILING_PROSE } from './schema-break';

// The SDK is a dependency of the providers package, whose adapters this mock serves.
const load = createRequire(join(__dirname, '..', '..', '..', 'providers', 'package.json'));
const { GoogleGenAI, FunctionCallingConfigMode } = load('@google/genai') as typeof import('../../../providers/node_modules/@google/genai');
type GoogleGenAI = InstanceType<typeof GoogleGenAI>;

const JSON_SCHEMA = {
  type: 'object',
  properties: { dish: { type: 'string' }, minutes: { type: 'integer', minimum: 5 }, steps: { type: 'array', items: { type: 'string' }, minItems: 2 } },
  required: ['dish', 'minutes', 'steps'],
};
// The OpenAPI subset of Gemini's responseSchema: upper-case types and nullable.
const OPENAPI_SCHEMA = {
  type: 'OBJECT',
  properties: { dish: { type: 'STRING' }, minutes: { type: 'INTEGER', minimum: 5 }, vegan: { type: 'BOOLEAN', nullable: true } },
  required: ['dish', 'minutes'],
};
const validate = new Ajv2020({ allErrors: true }).compile(JSON_SCHEMA);
const validateOpenApi = new Ajv2020({ strict: false }).compile({
  type: 'object',
  properties: { dish: { type: 'string' }, minutes: { type: 'integer', minimum: 5 }, vegan: { type: ['boolean', 'null'] } },
  required: ['dish', 'minutes'],
});
const QUESTION = 'a quick pancake recipe please';

describe('structured output from the mock through @google/genai', () => {
  let mock: MockUpstream;
  let client: GoogleGenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: mock.url } });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  const generate = (model: string, config: Record<string, unknown>, contents: unknown = QUESTION) =>
    client.models.generateContent({ model, contents: contents as string, config });

  it('answers responseJsonSchema with JSON that validates', async () => {
    const response = await generate('echo', { responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA });
    const value = JSON.parse(response.text ?? '');
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    expect(value.dish).toBe(QUESTION);
    expect(mock.requests[0]?.structured).toBe('json_schema');
  });

  it('answers the OpenAPI-style responseSchema with upper-case types', async () => {
    const response = await generate('echo', { responseMimeType: 'application/json', responseSchema: OPENAPI_SCHEMA });
    const value = JSON.parse(response.text ?? '');
    expect(validateOpenApi(value)).toBe(true);
    expect(value).toEqual({ dish: QUESTION, minutes: 5, vegan: true });
  });

  it('answers a bare application/json mime type with a JSON object', async () => {
    const response = await generate('echo', { responseMimeType: 'application/json' });
    expect(JSON.parse(response.text ?? '')).toEqual({ answer: QUESTION });
  });

  it('follows a schema in the system instruction', async () => {
    const response = await generate('echo', { systemInstruction: `Reply in JSON.\nJSON Schema:\n${JSON.stringify(JSON_SCHEMA)}` });
    expect(validate(JSON.parse(response.text ?? ''))).toBe(true);
  });

  it('streams a structured answer that reassembles to the unstreamed JSON', async () => {
    const config = { responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA };
    const whole = (await generate('echo', config)).text;
    let text = '';
    for await (const chunk of await client.models.generateContentStream({ model: 'echo', contents: QUESTION, config })) text += chunk.text ?? '';
    expect(text).toBe(whole);
  });

  const forced = {
    tools: [{ functionDeclarations: [{ name: 'noop' }, { name: 'save_recipe', parametersJsonSchema: JSON_SCHEMA }] }],
    toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['save_recipe'] } },
  };

  it('answers functionCallingConfig ANY with a functionCall whose args fit the parameters', async () => {
    const response = await generate('echo', forced);
    expect(response.functionCalls).toHaveLength(1);
    const call = response.functionCalls?.[0];
    expect(call?.name).toBe('save_recipe');
    expect(validate(call?.args)).toBe(true);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(mock.structuredRequests.get('echo')).toBe(1);
  });

  it('streams a function call whole, in the last event', async () => {
    const calls = [];
    for await (const chunk of await client.models.generateContentStream({ model: 'echo', contents: QUESTION, config: forced })) {
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe('save_recipe');
    expect(validate(calls[0]?.args)).toBe(true);
  });

  describe('schema_break', () => {
    const config = { responseMimeType: 'application/json', responseJsonSchema: JSON_SCHEMA };
    const brokenText = async (mode: SchemaBreak) => (await generate(mockModelId({ schemaBreak: mode }), config)).text ?? '';

    it.each(['wrong_type', 'missing_field'] as const)('%s gives JSON that fails the schema', async (mode) => {
      const value = JSON.parse(await brokenText(mode));
      expect(validate(value)).toBe(false);
      expect(validate.errors?.[0]?.keyword).toBe(mode === 'wrong_type' ? 'type' : 'required');
    });

    it('trailing_prose, code_fence, truncated and not_json spoil the text', async () => {
      expect((await brokenText('trailing_prose')).endsWith(TRAILING_PROSE)).toBe(true);
      expect(await brokenText('code_fence')).toMatch(/^```json\n\{[\s\S]*\}\n```$/);
      const truncated = await brokenText('truncated');
      expect(() => JSON.parse(truncated)).toThrow();
      expect(JSON.parse(jsonrepair(truncated))).toMatchObject({ dish: QUESTION });
      expect(await brokenText('not_json')).toBe(NOT_JSON_PROSE);
    });

    it('breaks function-call args that stay an object, and answers text in place of the call otherwise', async () => {
      const wrong = await generate(mockModelId({ schemaBreak: 'wrong_type' }), forced);
      expect(validate(wrong.functionCalls?.[0]?.args)).toBe(false);

      const prose = await generate(mockModelId({ schemaBreak: 'trailing_prose' }), forced);
      expect(prose.functionCalls).toBeUndefined();
      expect(prose.text?.endsWith(TRAILING_PROSE)).toBe(true);
    });

    it('with schema_break_times=1 lets the re-ask, which holds a model turn, comply', async () => {
      const model = mockModelId({ schemaBreak: 'missing_field', schemaBreakTimes: 1 });
      const first = (await generate(model, config)).text ?? '';
      expect(validate(JSON.parse(first))).toBe(false);
      const reask = await generate(model, config, [
        { role: 'user', parts: [{ text: QUESTION }] },
        { role: 'model', parts: [{ text: first }] },
        { role: 'user', parts: [{ text: 'The answer lacked a required field. Answer again.' }] },
      ]);
      expect(validate(JSON.parse(reask.text ?? ''))).toBe(true);
      expect(mock.structuredRequests.get(model)).toBe(2);
    });
  });
});
