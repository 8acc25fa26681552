import { randomUUID } from 'node:crypto';
import type { PromptStats } from '@switchyard/contracts';
import { createDataSource, type DataSource } from '@switchyard/database';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { KEY_ENV, writeStructuredConfig } from './structured-output-platform';

const Movie = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()) });
// The split hashes the prompt's (random) name with the user: 20 users all land on one arm once in 500,000 runs.
const USERS = Array.from({ length: 20 }, (_, i) => `viewer-${i}`);

/** The figures the stats should report, per version, from the rows and the feedback themselves. */
const EXPECTED_SQL = `
WITH rows AS (SELECT * FROM llm_requests WHERE tenant = 'acme' AND prompt_name = $1),
     scores AS (SELECT r.prompt_version, f.score FROM rows r JOIN feedback f ON f.tenant = 'acme' AND f.request_id IN (r.request_id, r.job_id))
SELECT r.prompt_version::int AS version, count(*)::int AS requests,
       count(*) FILTER (WHERE r.status IN ('failed', 'expired'))::int AS errors,
       count(*) FILTER (WHERE r.structured_mode IS NOT NULL)::int AS structured,
       count(*) FILTER (WHERE r.structured_repairs > 0)::int AS repaired,
       count(*) FILTER (WHERE r.structured_valid)::int AS valid,
       count(*) FILTER (WHERE r.structured_valid IS NOT NULL)::int AS checked,
       count(*) FILTER (WHERE r.status = 'succeeded' AND r.structured_repairs = 0)::int AS answered_as_sent,
       (SELECT count(*) FROM scores s WHERE s.prompt_version = r.prompt_version)::int AS feedback,
       (SELECT avg(s.score) FROM scores s WHERE s.prompt_version = r.prompt_version)::float8 AS mean_score
  FROM rows r GROUP BY r.prompt_version ORDER BY 1`;

describe('a prompt A/B test run with the openai SDK, as the README shows', () => {
  let mock: MockUpstream;
  let platform: Platform;
  let database: DataSource;
  let openai: OpenAI;
  const name = `movie-pick-${randomUUID().slice(0, 8)}`;

  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    mock = await startMockUpstream();
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_CONFIG: writeStructuredConfig(mock), ...KEY_ENV } });
    await Promise.all([platform.startWorker(), platform.startLocalWorker()]);
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    openai = new OpenAI({ baseURL: `${platform.gateway.url}/v1`, apiKey: TEST_API_KEY, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
    await mock?.close();
  });

  it('splits users between two versions, answers with checked JSON, and its stats count what happened', async () => {
    // Two versions, as `POST /v1/prompts` twice; the second one's model breaks its first answer, which the gateway repairs.
    const responseFormat = zodResponseFormat(Movie, 'movie');
    const variables = { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] };
    const first = await call('POST', '/v1/prompts', {
      name,
      model: 'openai-ok',
      variables,
      response_format: responseFormat,
      messages: [{ role: 'user', content: 'Name a film about {{topic}}.' }],
      labels: ['staging'],
    });
    expect(first).toMatchObject({ status: 201, body: { version: 1 } });
    const second = await call('POST', '/v1/prompts', {
      name,
      model: 'gemini-reask',
      variables,
      response_format: responseFormat,
      messages: [
        { role: 'system', content: 'You are a film buff.' },
        { role: 'user', content: 'One film about {{topic}}, please.' },
      ],
    });
    expect(second).toMatchObject({ status: 201, body: { version: 2 } });
    const split = await call('PUT', `/v1/prompts/${name}/labels/production`, {
      split: [
        { version: 1, weight: 50 },
        { version: 2, weight: 50 },
      ],
    });
    expect(split.status).toBe(200);

    // Each user asks twice, through the production label (the default), as the README's snippet does.
    const answers: { user: string; requestId: string; completion: ChatCompletion; structured: string | null }[] = [];
    for (const user of USERS) {
      for (const topic of ['trains', 'boats']) {
        const { data, response } = await openai.chat.completions
          .create({
            messages: [],
            user,
            // @ts-expect-error a Switchyard extension: the SDK sends it as it is
            prompt: { name, variables: { topic } },
          })
          .withResponse();
        answers.push({ user, requestId: data._request_id ?? '', completion: data, structured: response.headers.get('x-switchyard-structured') });
      }
    }
    for (const { completion, requestId, structured } of answers) {
      expect(Movie.safeParse(JSON.parse(completion.choices[0]?.message.content ?? '')).success).toBe(true);
      expect(requestId).toMatch(/^req_/);
      expect(structured).toBe('native');
    }
    // Two users ask for a model that never complies (the caller's model wins over the version's): failed rows, each on its user's version.
    for (const user of USERS.slice(0, 2)) {
      const failure = await openai.chat.completions
        // @ts-expect-error a Switchyard extension: the SDK sends it as it is
        .create(
          { model: 'compat-never', messages: [], user, prompt: { name, variables: { topic: 'cars' } } },
          { headers: { 'x-request-id': `never-${user}-${name}` } },
        )
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ status: 422, code: 'structured_output_invalid' });
    }

    // Feedback, by the answer's request id (the SDK's `_request_id`, from `x-request-id`): thumbs up or down.
    for (const [i, { requestId }] of answers.entries()) {
      if (i % 3 === 2) continue;
      const sent = await call('POST', '/v1/feedback', { request_id: requestId, score: i % 4 === 0 ? -1 : 1, label: 'rated' });
      expect(sent.status).toBe(201);
    }
    // And on a failed request, by the id its caller chose.
    expect((await call('POST', '/v1/feedback', { request_id: `never-${USERS[0]}-${name}`, score: -1 })).status).toBe(201);

    // Usage rows are written off the request path: wait for all of them.
    const total = answers.length + 2;
    await expect
      .poll(async () => ((await call('GET', `/v1/prompts/${name}/stats`)).body as unknown as PromptStats).versions?.reduce((n, v) => n + v.requests, 0), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(total);
    const stats = (await call('GET', `/v1/prompts/${name}/stats`)).body as unknown as PromptStats;

    // Both versions were served, and every user stayed on one.
    const byUser = (await database.query(
      `SELECT user_id, array_agg(DISTINCT prompt_version) AS versions, count(*)::int AS requests FROM llm_requests WHERE prompt_name = $1 GROUP BY user_id`,
      [name],
    )) as { user_id: string; versions: string[]; requests: number }[];
    expect(byUser.map((row) => row.user_id).sort()).toStrictEqual([...USERS].sort());
    for (const row of byUser) expect(row.versions, row.user_id).toHaveLength(1);
    expect(new Set(byUser.map((row) => row.versions[0]))).toStrictEqual(new Set(['1', '2']));

    // Each request's row names its prompt and version, as /v1/requests shows it to the caller.
    const versionOf = new Map(byUser.map((row) => [row.user_id, row.versions[0]]));
    for (const { user, requestId } of answers.slice(0, 4)) {
      const row = await call('GET', `/v1/requests/${requestId}`);
      expect(row.body).toMatchObject({
        request_id: requestId,
        user,
        status: 'succeeded',
        prompt_name: name,
        prompt_version: Number(versionOf.get(user)),
        prompt_variant: null,
        structured_mode: 'native',
        structured_valid: true,
      });
    }

    const expected = (await database.query(EXPECTED_SQL, [name])) as {
      version: number;
      requests: number;
      errors: number;
      structured: number;
      repaired: number;
      valid: number;
      checked: number;
      answered_as_sent: number;
      feedback: number;
      mean_score: number | null;
    }[];
    expect(stats.versions.map((v) => v.version)).toStrictEqual([1, 2]);
    expect(
      stats.versions.map((v) => ({
        version: v.version,
        requests: v.requests,
        errors: v.errors,
        error_rate: v.error_rate,
        structured: v.structured,
        feedback: v.feedback.count,
        mean_score: v.feedback.mean_score,
      })),
    ).toStrictEqual(
      expected.map((row) => ({
        version: row.version,
        requests: row.requests,
        errors: row.errors,
        error_rate: row.errors / row.requests,
        structured: { requests: row.structured, valid_rate: row.valid / row.checked, repair_rate: row.repaired / row.structured },
        feedback: row.feedback,
        mean_score: row.mean_score === null ? null : expect.closeTo(row.mean_score, 10),
      })),
    );
    // Every request asked for the version's schema; version 2's model broke every first answer, version 1's none.
    expect(expected.map((row) => row.structured === row.requests)).toStrictEqual([true, true]);
    expect(expected[0]?.answered_as_sent).toBeGreaterThan(0);
    expect(expected[1]?.answered_as_sent).toBe(0);
    expect(stats.versions.reduce((n, v) => n + v.feedback.count, 0)).toBe(answers.filter((_, i) => i % 3 !== 2).length + 1);
    expect(stats.baseline).toBe([...stats.versions].sort((a, b) => b.requests - a.requests || (a.version ?? 0) - (b.version ?? 0))[0]?.version);
    expect(stats.comparisons).toHaveLength(1);
  }, 40_000);
});
