import type { ChatCompletionRequest } from '@switchyard/contracts';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProviderAdapter, type ProviderSettings } from './create-provider-adapter';

/**
 * What each adapter puts on the wire for a structured answer: the field its
 * server constrains output with, and a forced function where tool mode is used.
 */
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    city: { type: 'string', description: 'Where to go' },
    days: { type: 'integer', minimum: 1 },
    season: { $ref: '#/$defs/season' },
    note: { type: ['string', 'null'] },
  },
  required: ['city', 'days'],
  additionalProperties: false,
  $defs: { season: { enum: ['summer', 'winter'] } },
};

const messages: ChatCompletionRequest['messages'] = [{ role: 'user', content: 'Plan a trip.' }];
const jsonSchemaRequest: ChatCompletionRequest = {
  model: 'x',
  messages,
  response_format: { type: 'json_schema', json_schema: { name: 'trip', schema, strict: true } },
};
const jsonModeRequest: ChatCompletionRequest = { model: 'x', messages, response_format: { type: 'json_object' } };
const forcedToolRequest: ChatCompletionRequest = {
  model: 'x',
  messages,
  tools: [
    { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
    { type: 'function', function: { name: 'trip', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  ],
  tool_choice: { type: 'function', function: { name: 'trip' } },
};

type Kind = ProviderSettings['kind'] | 'tgi-native';

function settingsFor(kind: Kind, url: string): ProviderSettings {
  if (kind === 'tgi-native') return { name: 'mock', kind: 'tgi', baseUrl: url, nativeGenerate: true };
  const openAIStyle = kind === 'openai' || kind === 'openai-compatible' || kind === 'vllm';
  return { name: 'mock', kind, baseUrl: openAIStyle ? `${url}/v1` : url };
}

describe('structured output on the wire', () => {
  let mock: MockUpstream;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  async function sent(kind: Kind, request: ChatCompletionRequest): Promise<Record<string, unknown>> {
    const adapter = createProviderAdapter(settingsFor(kind, mock.url));
    await adapter.generate({ model: 'm', request });
    expect(mock.requests).toHaveLength(1);
    return mock.requests[0]?.body as Record<string, unknown>;
  }

  it.each<Kind>(['openai', 'openai-compatible', 'vllm', 'groq'])('%s passes response_format through as it came', async (kind) => {
    expect((await sent(kind, jsonSchemaRequest)).response_format).toStrictEqual(jsonSchemaRequest.response_format);
    mock.reset();
    expect((await sent(kind, jsonModeRequest)).response_format).toStrictEqual({ type: 'json_object' });
  });

  it.each<Kind>(['openai', 'groq', 'vllm'])('%s passes a forced function through', async (kind) => {
    const body = await sent(kind, forcedToolRequest);
    expect(body.tool_choice).toStrictEqual({ type: 'function', function: { name: 'trip' } });
    expect((body.tools as unknown[]).length).toBe(2);
  });

  it('gemini sends the schema as responseSchema in its OpenAPI subset', async () => {
    const body = await sent('gemini', jsonSchemaRequest);
    expect(body.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: {
          city: { type: 'STRING', description: 'Where to go' },
          days: { type: 'INTEGER', minimum: 1 },
          season: { type: 'STRING', enum: ['summer', 'winter'] },
          note: { type: 'STRING', nullable: true },
        },
        required: ['city', 'days'],
        propertyOrdering: ['city', 'days', 'season', 'note'],
      },
    });
    expect(body.generationConfig).not.toHaveProperty('responseJsonSchema');
  });

  it('gemini sends JSON mode as the JSON mime type alone', async () => {
    const body = await sent('gemini', jsonModeRequest);
    expect(body.generationConfig).toStrictEqual({ responseMimeType: 'application/json' });
  });

  it('gemini forces a named function with mode ANY limited to it', async () => {
    const body = await sent('gemini', forcedToolRequest);
    expect(body.toolConfig).toStrictEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['trip'] } });
    const [tool] = body.tools as { functionDeclarations: unknown[] }[];
    expect(tool?.functionDeclarations[1]).toStrictEqual({
      name: 'trip',
      parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, propertyOrdering: ['city'] },
    });
  });

  it('ollama sends the schema as format, and json for JSON mode', async () => {
    expect((await sent('ollama', jsonSchemaRequest)).format).toStrictEqual(schema);
    mock.reset();
    expect((await sent('ollama', jsonModeRequest)).format).toBe('json');
  });

  it('ollama offers only the forced function, having no tool_choice', async () => {
    const body = await sent('ollama', forcedToolRequest);
    expect((body.tools as { function: { name: string } }[]).map((tool) => tool.function.name)).toStrictEqual(['trip']);
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('llamacpp sends the schema in the json_object form every llama-server build reads', async () => {
    expect((await sent('llamacpp', jsonSchemaRequest)).response_format).toStrictEqual({ type: 'json_object', schema });
    mock.reset();
    expect((await sent('llamacpp', jsonModeRequest)).response_format).toStrictEqual({ type: 'json_object', schema: { type: 'object' } });
  });

  it('llamacpp forces a named function as required with only that tool', async () => {
    const body = await sent('llamacpp', forcedToolRequest);
    expect(body.tool_choice).toBe('required');
    expect((body.tools as { function: { name: string } }[]).map((tool) => tool.function.name)).toStrictEqual(['trip']);
  });

  it('tgi sends its JSON grammar as response_format on the Messages API', async () => {
    expect((await sent('tgi', jsonSchemaRequest)).response_format).toStrictEqual({ type: 'json', value: schema });
    mock.reset();
    expect((await sent('tgi', jsonModeRequest)).response_format).toStrictEqual({ type: 'json', value: { type: 'object' } });
  });

  it('tgi passes a forced function through on the Messages API', async () => {
    expect((await sent('tgi', forcedToolRequest)).tool_choice).toStrictEqual({ type: 'function', function: { name: 'trip' } });
  });

  it('tgi sends its JSON grammar in parameters on /generate', async () => {
    const body = await sent('tgi-native', jsonSchemaRequest);
    expect(mock.requests[0]?.path).toBe('/generate');
    expect((body.parameters as Record<string, unknown>).grammar).toStrictEqual({ type: 'json', value: schema });
  });
});
