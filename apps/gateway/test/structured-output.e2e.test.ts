import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import OpenAI, { toFile } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { BREAKS_ONCE, KEY_ENV, KINDS, STRUCTURED_PRICE, writeStructuredConfig } from './structured-output-platform';

const Movie = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()) });
const MOVIE_FORMAT = zodResponseFormat(Movie, 'movie');
// One string field: an answer cut short still holds all of it once its syntax is repaired.
const Note = z.object({ title: z.string() });
const NOTE_FORMAT = zodResponseFormat(Note, 'note');
const QUESTION = 'Name a film about trains.';

describe('structured output through every provider kind', () => {
  let mock: MockUpstream;
  let platform: Platform;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_CONFIG: writeStructuredConfig(mock), ...KEY_ENV } });
    await Promise.all([platform.startWorker(), platform.startLocalWorker()]);
    client = new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await platform?.close();
    await mock?.close();
  });

  const parse = (model: string, headers: Record<string, string> = {}) =>
    client.chat.completions.parse({ model, messages: [{ role: 'user', content: QUESTION }], response_format: MOVIE_FORMAT }, { headers }).withResponse();
  const parseNote = (model: string) =>
    client.chat.completions.parse({ model, messages: [{ role: 'user', content: QUESTION }], response_format: NOTE_FORMAT }).withResponse();

  const upstreamCalls = (model: string) => mock.structuredRequests.get(model) ?? 0;

  it.each(KINDS)('gives the SDK a parsed object through %s', async (kind) => {
    const { data, response } = await parse(`${kind}-ok`);
    const parsed = data.choices[0]?.message.parsed;
    expect(Movie.parse(parsed)).toStrictEqual(parsed);
    expect(response.headers.get('x-switchyard-structured')).toBe('native');
    expect(response.headers.get('x-switchyard-repairs')).toBe('0');
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'succeeded', structuredMode: 'native', structuredRepairs: 0, structuredValid: true });
  });

  it.each(KINDS)('re-asks %s once when its first answer misses a required field', async (kind) => {
    const before = upstreamCalls(BREAKS_ONCE);
    const { data, response } = await parse(`${kind}-reask`);
    expect(Movie.safeParse(data.choices[0]?.message.parsed).success).toBe(true);
    expect(response.headers.get('x-switchyard-repairs')).toBe('1');
    expect(upstreamCalls(BREAKS_ONCE) - before).toBe(2);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ structuredMode: 'native', structuredRepairs: 1, structuredValid: true });
  });

  it('counts the tokens and the cost of both calls of a re-asked answer', async () => {
    const once = await parse('compat-ok');
    const twice = await parse('compat-reask');
    const single = await platform.usageRow(once.response.headers.get('x-switchyard-job-id') ?? '');
    const row = await platform.usageRow(twice.response.headers.get('x-switchyard-job-id') ?? '');
    // The re-ask's prompt holds the first prompt, the bad answer and the errors: more than the first prompt again.
    expect(row.promptTokens).toBeGreaterThan(2 * single.promptTokens);
    expect(row.totalTokens).toBe(row.promptTokens + row.completionTokens);
    // The caller is told the same figures the row keeps.
    expect(twice.data.usage).toStrictEqual({ prompt_tokens: row.promptTokens, completion_tokens: row.completionTokens, total_tokens: row.totalTokens });
    const cost = (row.promptTokens * STRUCTURED_PRICE.inputPerMillion + row.completionTokens * STRUCTURED_PRICE.outputPerMillion) / 1e6;
    expect(Number(row.costUsd)).toBeCloseTo(cost, 8);
  });

  it('keeps the tokens of the answer it re-asked when the re-ask itself fails', async () => {
    const once = await parse('compat-ok');
    const single = await platform.usageRow(once.response.headers.get('x-switchyard-job-id') ?? '');
    const failure = (await parse('compat-reask-fails').catch((error: unknown) => error)) as InstanceType<typeof OpenAI.APIError>;
    expect(failure.status).toBe(400);
    const row = await platform.usageRow((failure.error as { job_id: string }).job_id);
    // The first call answered (and was paid for); the re-ask was refused upstream.
    expect(row).toMatchObject({ status: 'failed', structuredMode: 'native', structuredValid: false, structuredRepairs: 1 });
    expect(row.promptTokens).toBe(single.promptTokens);
    expect(row.completionTokens).toBeGreaterThan(0);
  });

  it.each([
    ['trailing prose', 'compat-trailing-prose', 'echo@schema_break=trailing_prose'],
    ['a Markdown code fence', 'compat-code-fence', 'echo@schema_break=code_fence'],
  ])('repairs %s without a re-ask', async (_name, model, upstream) => {
    const before = upstreamCalls(upstream);
    const { data, response } = await parse(model);
    expect(Movie.safeParse(data.choices[0]?.message.parsed).success).toBe(true);
    expect(upstreamCalls(upstream) - before).toBe(1);
    expect(response.headers.get('x-switchyard-repairs')).toBe('1');
  });

  it('closes a truncated answer without a re-ask, and re-asks when the cut lost a required field', async () => {
    const upstream = 'echo@schema_break=truncated';
    const before = upstreamCalls(upstream);
    const { data, response } = await parseNote('compat-truncated');
    expect(Note.safeParse(data.choices[0]?.message.parsed).success).toBe(true);
    expect(upstreamCalls(upstream) - before).toBe(1);
    expect(response.headers.get('x-switchyard-repairs')).toBe('1');
    // Cut before the last fields, the answer misses what the schema requires: no repair can invent it.
    const failure = await parse('compat-truncated').catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 422, code: 'structured_output_invalid' });
    expect((failure as { error: { errors: string[] } }).error.errors.join('\n')).toMatch(/required property/);
  });

  it('tries the fallback route before giving up, and its valid answer is a 200', async () => {
    const { data, response } = await parse('compat-never-then-valid');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    expect(Movie.safeParse(data.choices[0]?.message.parsed).success).toBe(true);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.routeAttempts).toStrictEqual([
      { provider: 'k-openai-compatible', model: expect.stringContaining('schema_break=wrong_type'), code: 'structured_output_invalid', attempts: 1 },
    ]);
  });

  it('answers 422 structured_output_invalid with the last errors once every route has failed', async () => {
    const before = mock.requests.length;
    const failure = await parse('compat-never-then-never').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    const error = failure as InstanceType<typeof OpenAI.UnprocessableEntityError>;
    expect(error.status).toBe(422);
    expect(error.code).toBe('structured_output_invalid');
    expect(error.param).toBe('response_format');
    const body = error.error as { errors: string[]; providers_tried: { provider: string }[]; job_id: string };
    expect(body.errors.join('\n')).toMatch(/must be/);
    expect(body.providers_tried.map((attempt) => attempt.provider)).toStrictEqual(['k-openai-compatible', 'backup']);
    // Each route: the first answer and two re-asks.
    expect(mock.requests.length - before).toBe(6);
    const row = await platform.usageRow(body.job_id);
    expect(row).toMatchObject({ status: 'failed', errorCode: 'structured_output_invalid', structuredValid: false, structuredRepairs: 2 });
    expect(row.totalTokens).toBeGreaterThan(0);
  });

  it('lets the caller bound the re-asks per request, and a model bound them in its config', async () => {
    const none = await parse('compat-never', { 'x-switchyard-structured-reasks': '0' }).catch((error: unknown) => error);
    expect(none).toMatchObject({ status: 422, code: 'structured_output_invalid' });
    const refused = await parse('compat-no-reasks').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 422, code: 'structured_output_invalid' });
    // The caller's own bound wins over the model's.
    const { response } = await parse('compat-no-reasks', { 'x-switchyard-structured-reasks': '1' });
    expect(response.headers.get('x-switchyard-repairs')).toBe('1');
    const bad = await parse('compat-ok', { 'x-switchyard-structured-reasks': 'many' }).catch((error: unknown) => error);
    expect(bad).toMatchObject({ status: 400, param: 'x-switchyard-structured-reasks' });
  });

  it.each([
    ['tool', 'compat-tool'],
    ['tool', 'compat-tool-reask'],
    ['instructions', 'compat-instructions'],
    ['instructions', 'compat-instructions-reask'],
    ['instructions', 'gemini-instructions'],
  ])('asks in %s mode when the model is configured so (%s)', async (mode, model) => {
    const before = mock.requests.length;
    const { data, response } = await parse(model);
    const message = data.choices[0]?.message;
    expect(Movie.safeParse(message?.parsed).success).toBe(true);
    expect(message?.tool_calls ?? []).toStrictEqual([]);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(response.headers.get('x-switchyard-structured')).toBe(mode);
    // The mock names a forced function call `tool_call`.
    const sent = mock.requests.slice(before).map((request) => request.structured);
    expect(new Set(sent)).toStrictEqual(new Set([mode === 'tool' ? 'tool_call' : mode]));
  });

  it('streams a structured answer only once it is valid, so the streamed JSON parses', async () => {
    for (const model of ['openai-compatible-reask', 'gemini-reask', 'ollama-reask', 'compat-trailing-prose']) {
      const stream = client.chat.completions.stream({
        model,
        messages: [{ role: 'user', content: QUESTION }],
        response_format: MOVIE_FORMAT,
        stream_options: { include_usage: true },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      const final = await stream.finalChatCompletion();
      expect(Movie.parse(JSON.parse(text))).toStrictEqual(final.choices[0]?.message.parsed);
      expect(final.usage?.total_tokens).toBeGreaterThan(0);
    }
  });

  it('opens a structured stream at once with its mode, and ends it with the error when no route complies', async () => {
    const response = await fetch(`${platform.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'compat-never', stream: true, messages: [{ role: 'user', content: QUESTION }], response_format: MOVIE_FORMAT }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-structured')).toBe('native');
    const text = await response.text();
    expect(text).not.toContain('"content"');
    expect(text).toContain('"code":"structured_output_invalid"');
  });

  it('answers json_object requests with a JSON object', async () => {
    for (const kind of KINDS) {
      const completion = await client.chat.completions.create({
        model: `${kind}-ok`,
        messages: [{ role: 'user', content: `${QUESTION} Answer in JSON.` }],
        response_format: { type: 'json_object' },
      });
      const value = JSON.parse(completion.choices[0]?.message.content ?? '') as unknown;
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    }
  });

  it('refuses a schema that cannot be compiled with a 400 naming it, before queueing', async () => {
    const before = mock.requests.length;
    const refused = await client.chat.completions
      .create({
        model: 'compat-ok',
        messages: [{ role: 'user', content: QUESTION }],
        response_format: { type: 'json_schema', json_schema: { name: 'broken', schema: { type: 'object', properties: { a: { type: 'no-such-type' } } } } },
      })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 400, param: 'response_format.json_schema.schema' });
    expect(mock.requests.length).toBe(before);
  });

  it('validates the answers of async jobs too', async () => {
    const submitted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'compat-trailing-prose', messages: [{ role: 'user', content: QUESTION }], response_format: MOVIE_FORMAT }),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const view = async () =>
      (await (await fetch(`${platform.gateway.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).json()) as {
        status: string;
        result?: { choices: { message: { content: string } }[] };
      };
    await expect.poll(async () => (await view()).status, { timeout: 10_000, interval: 50 }).toBe('succeeded');
    expect(Movie.safeParse(JSON.parse((await view()).result?.choices[0]?.message.content ?? '')).success).toBe(true);
  });

  it('validates the answers of batch lines, and refuses a line whose schema cannot be compiled', async () => {
    const line = (customId: string, model: string, responseFormat: unknown) =>
      JSON.stringify({
        custom_id: customId,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model, messages: [{ role: 'user', content: QUESTION }], response_format: responseFormat },
      });
    const run = async (lines: string[]) => {
      const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'lines.jsonl'), purpose: 'batch' });
      return client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    };
    const batch = await run([line('prose', 'compat-trailing-prose', MOVIE_FORMAT), line('never', 'compat-never', MOVIE_FORMAT)]);
    await expect.poll(async () => (await client.batches.retrieve(batch.id)).status, { timeout: 15_000, interval: 100 }).toBe('completed');
    const done = await client.batches.retrieve(batch.id);
    expect(done.request_counts).toStrictEqual({ total: 2, completed: 1, failed: 1 });
    const rows = async (fileId: string | null | undefined) =>
      (await (await client.files.content(fileId ?? '')).text())
        .split('\n')
        .filter((row) => row !== '')
        .map(
          (row) =>
            JSON.parse(row) as {
              custom_id: string;
              response: { body: { choices?: { message: { content: string } }[]; error?: { code: string } } } | null;
              error: { code: string } | null;
            },
        );
    const [answered] = await rows(done.output_file_id);
    expect(Movie.safeParse(JSON.parse(answered?.response?.body.choices?.[0]?.message.content ?? '')).success).toBe(true);
    const [failed] = await rows(done.error_file_id);
    expect(failed?.custom_id).toBe('never');
    expect(JSON.stringify(failed)).toContain('structured_output_invalid');

    const broken = { type: 'json_schema', json_schema: { name: 'broken', schema: { type: 'nothing' } } };
    const refused = await run([line('ok', 'compat-ok', MOVIE_FORMAT), line('broken', 'compat-ok', broken)]).catch((error: unknown) => error);
    const failedBatch = refused instanceof Error ? undefined : await client.batches.retrieve((refused as { id: string }).id);
    const said = JSON.stringify(refused instanceof Error ? (refused as { error?: unknown }).error : failedBatch?.errors);
    expect(said).toContain('response_format.json_schema.schema');
  });
});
