import { createOpenAI, type OpenAIProvider } from '@ai-sdk/openai';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { generateObject, generateText, Output, streamObject } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { BREAKS_ONCE, KEY_ENV, writeStructuredConfig } from './structured-output-platform';

const Movie = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()) });
const PROMPT = 'Name a film about trains.';
// The hosted, the Google and the local wires: each answers in its own shape, which the gateway turns into OpenAI's.
const KINDS = ['openai', 'gemini', 'ollama'] as const;

describe('the Vercel AI SDK through Switchyard', () => {
  let mock: MockUpstream;
  let platform: Platform;
  let switchyard: OpenAIProvider;

  beforeAll(async () => {
    mock = await startMockUpstream();
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_CONFIG: writeStructuredConfig(mock), ...KEY_ENV } });
    await Promise.all([platform.startWorker(), platform.startLocalWorker()]);
    // As a user would: the gateway is an OpenAI base URL. `.chat()` picks Chat Completions (the provider's default is the Responses API).
    switchyard = createOpenAI({ baseURL: `${platform.gateway.url}/v1`, apiKey: TEST_API_KEY });
  }, 60_000);

  afterAll(async () => {
    await platform?.close();
    await mock?.close();
  });

  it.each(KINDS)('generateObject gets a valid object through %s', async (kind) => {
    const before = mock.requests.length;
    const result = await generateObject({ model: switchyard.chat(`${kind}-ok`), schema: Movie, prompt: PROMPT, maxRetries: 0 });
    expect(Movie.parse(result.object)).toStrictEqual(result.object);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    const headers = result.response.headers ?? {};
    expect(headers['x-switchyard-structured']).toBe('native');
    expect(headers['x-switchyard-repairs']).toBe('0');
    // The provider was asked for the schema in its own field (Gemini's responseSchema, Ollama's format).
    expect(mock.requests.slice(before).map((request) => request.structured)).toStrictEqual(['json_schema']);
    // The SDK sent the zod schema as a strict json_schema response_format, which the usage row records as checked.
    const row = await platform.usageRow(headers['x-switchyard-job-id'] ?? '');
    expect(row).toMatchObject({ status: 'succeeded', structuredMode: 'native', structuredValid: true });
    expect(row.totalTokens).toBe(result.usage.totalTokens);
  });

  it.each(KINDS)('generateObject gets a valid object from %s when its first answer misses a field', async (kind) => {
    const before = mock.structuredRequests.get(BREAKS_ONCE) ?? 0;
    const result = await generateObject({ model: switchyard.chat(`${kind}-reask`), schema: Movie, prompt: PROMPT, maxRetries: 0 });
    expect(Movie.safeParse(result.object).success).toBe(true);
    expect(result.response.headers?.['x-switchyard-repairs']).toBe('1');
    // The first, broken answer and the re-ask: the SDK saw one response.
    expect((mock.structuredRequests.get(BREAKS_ONCE) ?? 0) - before).toBe(2);
  });

  it.each(KINDS)('streamObject streams an object that parses from %s, repaired or not', async (kind) => {
    for (const model of [`${kind}-ok`, `${kind}-reask`]) {
      const result = streamObject({ model: switchyard.chat(model), schema: Movie, prompt: PROMPT, maxRetries: 0 });
      const partials: unknown[] = [];
      for await (const partial of result.partialObjectStream) partials.push(partial);
      const object = await result.object;
      expect(Movie.parse(object)).toStrictEqual(object);
      expect(partials.at(-1)).toStrictEqual(object);
      expect((await result.usage).totalTokens).toBeGreaterThan(0);
    }
  });

  it('generateText with an object output gets the same valid object', async () => {
    const result = await generateText({ model: switchyard.chat('gemini-reask'), output: Output.object({ schema: Movie }), prompt: PROMPT, maxRetries: 0 });
    expect(Movie.safeParse(result.output).success).toBe(true);
  });

  it('raises the gateway 422 as an API error when no route complies, without retrying it', async () => {
    const before = mock.requests.length;
    const failure = await generateObject({ model: switchyard.chat('compat-never'), schema: Movie, prompt: PROMPT, maxRetries: 2 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ statusCode: 422, isRetryable: false });
    expect(JSON.parse((failure as { responseBody: string }).responseBody)).toMatchObject({
      error: { code: 'structured_output_invalid', param: 'response_format' },
    });
    // One request from the SDK: the first answer and the gateway's two re-asks upstream.
    expect(mock.requests.length - before).toBe(3);
  });
});
