import { randomUUID } from 'node:crypto';
import { ChatOpenAI } from '@langchain/openai';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { BREAKS_ONCE, KEY_ENV, writeStructuredConfig } from './structured-output-platform';

const Movie = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()) });
const QUESTION = 'Name a film about trains.';
const KINDS = ['openai', 'gemini', 'ollama'] as const;

describe('LangChain.js through Switchyard', () => {
  let mock: MockUpstream;
  let platform: Platform;
  const chat = (model: string, headers: Record<string, string> = {}) =>
    new ChatOpenAI({ model, apiKey: TEST_API_KEY, configuration: { baseURL: `${platform.gateway.url}/v1`, defaultHeaders: headers }, maxRetries: 0 });

  beforeAll(async () => {
    mock = await startMockUpstream();
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_CONFIG: writeStructuredConfig(mock), ...KEY_ENV } });
    await Promise.all([platform.startWorker(), platform.startLocalWorker()]);
  }, 60_000);

  afterAll(async () => {
    await platform?.close();
    await mock?.close();
  });

  /** What the upstream was asked for since `before`: the gateway's own translation of the LangChain request. */
  const askedSince = (before: number) => mock.requests.slice(before).map((request) => request.structured);

  it.each(KINDS)('withStructuredOutput gets a valid object through %s, by its default json_schema', async (kind) => {
    const before = mock.requests.length;
    const requestId = `langchain-${randomUUID()}`;
    const movie = await chat(`${kind}-ok`, { 'x-request-id': requestId }).withStructuredOutput(Movie).invoke(QUESTION);
    expect(Movie.parse(movie)).toStrictEqual(movie);
    expect(askedSince(before)).toStrictEqual(['json_schema']);
    // The gateway checked the answer: its usage row (written off the request path) says so.
    await expect
      .poll(async () => (await platform.usage.findByRequestId(requestId))[0], { timeout: 5000, interval: 50 })
      .toMatchObject({ status: 'succeeded', structuredMode: 'native', structuredValid: true, structuredRepairs: 0 });
  });

  it.each(KINDS)("withStructuredOutput's json_schema answer from %s is re-asked once when it misses a field", async (kind) => {
    const before = mock.structuredRequests.get(BREAKS_ONCE) ?? 0;
    const movie = await chat(`${kind}-reask`).withStructuredOutput(Movie, { method: 'jsonSchema' }).invoke(QUESTION);
    expect(Movie.safeParse(movie).success).toBe(true);
    expect((mock.structuredRequests.get(BREAKS_ONCE) ?? 0) - before).toBe(2);
  });

  it.each(KINDS)('function calling passes the forced tool through %s and LangChain reads its arguments', async (kind) => {
    const before = mock.requests.length;
    const { raw, parsed } = await chat(`${kind}-ok`)
      .withStructuredOutput(Movie, { method: 'functionCalling', name: 'movie', includeRaw: true })
      .invoke(QUESTION);
    expect(Movie.parse(parsed)).toStrictEqual(parsed);
    // No response_format was sent, so the gateway neither asks for nor checks JSON: the upstream saw the caller's tool, forced.
    expect(askedSince(before)).toStrictEqual(['tool_call']);
    expect((raw as { tool_calls?: { name: string }[] }).tool_calls?.map((call) => call.name)).toStrictEqual(['movie']);
  });

  it('leaves a forced tool call unchecked: a broken one reaches LangChain, which raises its parse error', async () => {
    // Only response_format asks the gateway to check; a tool call is the caller's to read (LangChain's default, json_schema, is checked).
    const failure = await chat('openai-reask')
      .withStructuredOutput(Movie, { method: 'functionCalling' })
      .invoke(QUESTION)
      .catch((error: unknown) => error);
    expect(String(failure)).toMatch(/Failed to parse[\s\S]*title/);
  });

  it('json mode gets an object that LangChain parses against the schema', async () => {
    const before = mock.requests.length;
    const value = await chat('openai-ok')
      .withStructuredOutput(z.object({ answer: z.unknown() }).loose(), { method: 'jsonMode' })
      .invoke(`${QUESTION} Answer in JSON.`);
    expect(typeof value).toBe('object');
    expect(askedSince(before)).toStrictEqual(['json_object']);
  });

  it('streams a structured answer that parses, repaired before it is sent', async () => {
    const chunks: unknown[] = [];
    for await (const chunk of await chat('gemini-reask').withStructuredOutput(Movie).stream(QUESTION)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(0);
    expect(Movie.safeParse(chunks.at(-1)).success).toBe(true);
  });

  it('raises the 422 when no route complies', async () => {
    const failure = await chat('compat-never')
      .withStructuredOutput(Movie)
      .invoke(QUESTION)
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 422, code: 'structured_output_invalid' });
  });
});
