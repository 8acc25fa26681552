import { randomUUID } from 'node:crypto';
import type { Feedback, PromptStats } from '@switchyard/contracts';
import { createDataSource, type DataSource, type LlmRequestRecord, type RequestStatus } from '@switchyard/database';
import { PromptStore, twoProportionZTest, welchTTest } from '@switchyard/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

// The keys of the tests' routing file belong to these tenants.
const TENANT = 'acme';
const OTHER_TENANT = 'globex';
const MINUTE_MS = 60_000;

/** A usage row as the worker writes it for a request rendered from a prompt version. */
function promptRow(prompt: string, version: string | null, i: number, fields: Partial<LlmRequestRecord> = {}): LlmRequestRecord {
  const status: RequestStatus =
    (['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'expired', 'succeeded', 'rejected'] as const)[i % 8] ?? 'succeeded';
  const promptTokens = 100 + ((i * 37) % 90);
  const completionTokens = status === 'succeeded' ? 20 + ((i * 53) % 70) : 0;
  const structured = i % 3 !== 0;
  return {
    requestId: `req-${randomUUID()}`,
    jobId: `req_${randomUUID().replaceAll('-', '')}`,
    keyId: 'test-key',
    tenant: TENANT,
    userId: null,
    provider: 'mock',
    model: 'echo',
    publicModel: 'mock-echo',
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd: ((promptTokens * 2.5 + completionTokens * 10) / 1e6).toFixed(8),
    latencyMs: 200 + ((i * 7919) % 1300) + (version === '2' ? 150 : 0),
    upstreamLatencyMs: 180,
    queueWaitMs: 3,
    status,
    errorCode: status === 'succeeded' ? null : status === 'rejected' ? 'invalid_request_error' : 'upstream_error',
    cacheHit: false,
    attempts: 1,
    promptName: prompt,
    promptVersion: version,
    promptVariant: null,
    structuredMode: structured ? (version === '2' ? 'tool' : 'native') : null,
    structuredRepairs: structured ? (i % 5 === 0 ? 1 : 0) : null,
    structuredValid: structured && status === 'succeeded' ? i % 7 !== 0 : null,
    streamed: false,
    firstTokenMs: null,
    routeAttempts: null,
    createdAt: new Date(Date.now() - (5 + (i % 50)) * MINUTE_MS),
    ...fields,
  };
}

/** The figures the endpoint should report, written here without the gateway's query: per version, from the rows themselves. */
const EXPECTED_SQL = `
SELECT r.prompt_version AS version,
       count(*)::int AS requests,
       sum(CASE WHEN r.status IN ('failed', 'expired') THEN 1 ELSE 0 END)::int AS errors,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s.latency_ms) FROM llm_requests s
         WHERE s.tenant = $1 AND s.prompt_name = $2 AND s.created_at >= $3 AND s.created_at < $4
           AND s.prompt_version IS NOT DISTINCT FROM r.prompt_version AND s.status = 'succeeded') AS p50,
       (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY s.latency_ms) FROM llm_requests s
         WHERE s.tenant = $1 AND s.prompt_name = $2 AND s.created_at >= $3 AND s.created_at < $4
           AND s.prompt_version IS NOT DISTINCT FROM r.prompt_version AND s.status = 'succeeded') AS p95,
       sum(r.prompt_tokens)::int AS prompt_tokens, sum(r.completion_tokens)::int AS completion_tokens, sum(r.total_tokens)::int AS total_tokens,
       sum(r.cost_usd)::float8 AS cost_usd,
       sum(CASE WHEN r.structured_mode IS NULL THEN 0 ELSE 1 END)::int AS structured,
       sum(CASE WHEN r.structured_valid THEN 1 ELSE 0 END)::int AS valid,
       sum(CASE WHEN r.structured_valid IS NULL THEN 0 ELSE 1 END)::int AS checked,
       sum(CASE WHEN r.structured_repairs > 0 THEN 1 ELSE 0 END)::int AS repaired
  FROM llm_requests r
 WHERE r.tenant = $1 AND r.prompt_name = $2 AND r.created_at >= $3 AND r.created_at < $4
 GROUP BY r.prompt_version ORDER BY r.prompt_version`;

// Each test row has its own request id, so a feedback names one row.
const EXPECTED_FEEDBACK_SQL = `
SELECT r.prompt_version AS version, count(*)::int AS count, count(f.score)::int AS scored, avg(f.score) AS mean, var_samp(f.score) AS variance
  FROM feedback f JOIN llm_requests r ON r.tenant = f.tenant AND (r.request_id = f.request_id OR r.job_id = f.request_id)
 WHERE f.tenant = $1 AND r.prompt_name = $2 AND r.created_at >= $3 AND r.created_at < $4 AND ($5::text IS NULL OR f.label = $5)
 GROUP BY r.prompt_version ORDER BY r.prompt_version`;

interface ExpectedVersion {
  version: string | null;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  structured: number;
  valid: number;
  checked: number;
  repaired: number;
}
interface ExpectedFeedback {
  version: string | null;
  count: number;
  scored: number;
  mean: number | null;
  variance: number | null;
}

describe('feedback and prompt stats', () => {
  let platform: Platform;
  let database: DataSource;
  const prompt = `support-${randomUUID().slice(0, 8)}`;
  const rows: LlmRequestRecord[] = [];

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, key = TEST_API_KEY) => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const feedback = (body: Record<string, unknown>, key = TEST_API_KEY) => call('POST', '/v1/feedback', body, key);
  const stats = (query = '', key = TEST_API_KEY) => call('GET', `/v1/prompts/${prompt}/stats${query}`, undefined, key);

  beforeAll(async () => {
    platform = await startPlatform({ worker: false });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    // Two versions, the second with fewer requests, a few rows that recorded no version,
    // and rows that must not count: too old, another prompt.
    for (let i = 0; i < 48; i++) rows.push(promptRow(prompt, '1', i));
    for (let i = 0; i < 33; i++) rows.push(promptRow(prompt, '2', i + 3));
    for (let i = 0; i < 3; i++) rows.push(promptRow(prompt, null, i));
    const ignored = [promptRow(prompt, '1', 1, { createdAt: new Date(Date.now() - 10 * 24 * 60 * MINUTE_MS) }), promptRow(`${prompt}-other`, '1', 2)];
    await platform.usage.insertMany([...rows, ...ignored]);
  });

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
  });

  it('stores feedback under the caller, by request id or job id, several per request', async () => {
    const first = rows[0] as LlmRequestRecord;
    const stored = await feedback({ request_id: first.requestId, score: 1, label: 'helpful', comment: 'Solved it.' });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ object: 'feedback', request_id: first.requestId, score: 1, label: 'helpful', comment: 'Solved it.' });
    expect((stored.body as unknown as Feedback).id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs((stored.body as unknown as Feedback).created_at - Date.now() / 1000)).toBeLessThan(60);
    expect((await feedback({ request_id: first.jobId, score: 0.5 })).body).toMatchObject({ score: 0.5, label: null, comment: null });
    expect((await feedback({ request_id: first.jobId, label: 'follow_up' })).body).toMatchObject({ score: null, label: 'follow_up' });
    const [row] = (await database.query('SELECT tenant, key_id FROM feedback WHERE id = $1', [(stored.body as unknown as Feedback).id])) as unknown[];
    expect(row).toStrictEqual({ tenant: TENANT, key_id: 'test-key' });
  });

  it('refuses feedback without a score or label, or with bad fields, naming the field', async () => {
    const id = rows[1]?.requestId;
    for (const [body, param] of [
      [{ request_id: id }, 'score'],
      [{ request_id: id, comment: 'no verdict' }, 'score'],
      [{ score: 1 }, 'request_id'],
      [{ request_id: '', score: 1 }, 'request_id'],
      [{ request_id: id, score: 'great' }, 'score'],
      [{ request_id: id, label: 'x'.repeat(65) }, 'label'],
      [{ request_id: id, score: 1, comment: 'x'.repeat(2001) }, 'comment'],
    ] as const) {
      const refused = await feedback(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect((refused.body.error as { param: string }).param, JSON.stringify(body)).toBe(param);
    }
    expect((await feedback({ request_id: id, score: 1, rating: 5 })).status).toBe(400);
    const notJson = await fetch(`${platform.gateway.url}/v1/feedback`, { method: 'POST', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(notJson.status).toBe(400);
    const anonymous = await fetch(`${platform.gateway.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_id: id, score: 1 }),
    });
    expect(anonymous.status).toBe(401);
  });

  it("reports each version's figures as the SQL over its usage rows and feedback says", async () => {
    // Scores: version 1's requests mostly pleased, version 2's less so; labels on some.
    for (const [i, row] of rows.entries()) {
      if (i % 2 !== 0 || row.promptVersion === null) continue;
      const score = row.promptVersion === '1' ? [1, 1, 0.5, 1, -1][i % 5] : [0, -1, 0.5, -1, 0][i % 5];
      expect((await feedback({ request_id: i % 4 === 0 ? row.jobId : row.requestId, score, ...(i % 3 === 0 ? { label: 'helpful' } : {}) })).status).toBe(201);
    }
    // Another tenant's feedback on these requests is stored for that tenant and never counts here.
    for (const row of rows.slice(0, 10))
      expect((await feedback({ request_id: row.requestId, score: 100, label: 'helpful' }, OTHER_TENANT_KEY)).status).toBe(201);
    // Feedback may come before its request's usage row is written: it counts once the row is there.
    const late = promptRow(prompt, '2', 100, { status: 'succeeded' });
    expect((await feedback({ request_id: late.requestId, score: -1 })).status).toBe(201);
    await platform.usage.insertMany([late]);
    rows.push(late);

    const from = new Date(Date.now() - 2 * 60 * MINUTE_MS);
    const to = new Date(Date.now() + MINUTE_MS);
    for (const label of [null, 'helpful']) {
      const query = `?from=${Math.floor(from.getTime() / 1000)}&to=${to.toISOString()}${label === null ? '' : `&label=${label}`}`;
      const answer = await stats(query);
      expect(answer.status).toBe(200);
      const body = answer.body as unknown as PromptStats;
      const range = [TENANT, prompt, new Date(Math.floor(from.getTime() / 1000) * 1000), to];
      const expected = (await database.query(EXPECTED_SQL, range)) as ExpectedVersion[];
      const expectedFeedback = (await database.query(EXPECTED_FEEDBACK_SQL, [...range, label])) as ExpectedFeedback[];
      const feedbackOf = (version: string | null) => expectedFeedback.find((row) => row.version === version);
      expect(expected.map((row) => row.version)).toStrictEqual(['1', '2', null]);
      expect(body).toMatchObject({ object: 'prompt.stats', name: prompt, to: to.toISOString(), label, baseline: 1, significance_level: 0.05 });
      expect(body.versions).toStrictEqual(
        expected.map((row) => ({
          version: row.version === null ? null : Number(row.version),
          requests: row.requests,
          errors: row.errors,
          error_rate: row.errors / row.requests,
          latency_ms: { p50: row.p50, p95: row.p95 },
          tokens: { prompt: row.prompt_tokens, completion: row.completion_tokens, total: row.total_tokens, mean_total: row.total_tokens / row.requests },
          cost_usd: row.cost_usd,
          structured: {
            requests: row.structured,
            valid_rate: row.checked === 0 ? null : row.valid / row.checked,
            repair_rate: row.structured === 0 ? null : row.repaired / row.structured,
          },
          feedback: {
            count: feedbackOf(row.version)?.count ?? 0,
            scored: feedbackOf(row.version)?.scored ?? 0,
            mean_score: feedbackOf(row.version)?.mean ?? null,
          },
        })),
      );
      // The rows as written: 48 + 33 + 3 in range, plus the late one; the old, other-prompt and other-tenant rows stay out.
      expect(body.versions.map((v) => v.requests)).toStrictEqual([48, 34, 3]);
      expect(body.versions[0]?.feedback.count).toBe(label === null ? 27 : 9);

      const [one, two] = expected;
      const [feedbackOne, feedbackTwo] = [feedbackOf('1'), feedbackOf('2')];
      if (one === undefined || two === undefined || feedbackOne === undefined || feedbackTwo === undefined) throw new Error('missing versions');
      const errorTest = twoProportionZTest({ successes: one.errors, trials: one.requests }, { successes: two.errors, trials: two.requests });
      const validTest = twoProportionZTest({ successes: one.valid, trials: one.checked }, { successes: two.valid, trials: two.checked });
      const scoreTest = welchTTest(
        { count: feedbackOne.scored, mean: feedbackOne.mean ?? 0, variance: feedbackOne.variance ?? 0 },
        { count: feedbackTwo.scored, mean: feedbackTwo.mean ?? 0, variance: feedbackTwo.variance ?? 0 },
      );
      // SQL sums in its own order, so the last bits of a variance (and so of a p-value) may differ: equal to 12 digits.
      const verdict = (test: { difference: number; p_value: number } | null) => ({
        difference: test === null ? expect.anything() : expect.closeTo(test.difference, 12),
        p_value: test === null ? null : expect.closeTo(test.p_value, 12),
        significant: (test?.p_value ?? 1) < 0.05,
      });
      expect(body.comparisons).toStrictEqual([
        {
          baseline: 1,
          version: 2,
          error_rate: { ...verdict(errorTest), test: 'two-proportion z-test' },
          structured_valid_rate: { ...verdict(validTest), test: 'two-proportion z-test' },
          feedback: { ...verdict(scoreTest), test: "Welch's t-test" },
        },
      ]);
      // Scores of 1 against scores around -0.2 over a dozen requests each: a difference the test finds.
      if (label === null) expect(body.comparisons[0]?.feedback).toMatchObject({ significant: true });
    }
  });

  it('reads the last 7 days by default', async () => {
    const answer = await stats();
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as PromptStats;
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(7 * 24 * 60 * MINUTE_MS);
    expect(body.versions.reduce((sum, v) => sum + v.requests, 0)).toBe(rows.length);
  });

  it("answers 404 for an unknown prompt and for another tenant's, and empty stats for a prompt without requests", async () => {
    expect((await call('GET', `/v1/prompts/${prompt}-never/stats`)).status).toBe(404);
    const theirs = await stats('', OTHER_TENANT_KEY);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain('versions');
    // Once the other tenant sends requests rendered from a prompt of the same name, it sees those and only those.
    await platform.usage.insertMany([promptRow(prompt, '1', 0, { tenant: OTHER_TENANT, keyId: 'other-key' })]);
    const own = (await stats('', OTHER_TENANT_KEY)).body as unknown as PromptStats;
    expect(own.versions.map((v) => [v.version, v.requests, v.feedback.count])).toStrictEqual([[1, 1, 0]]);
    expect((await stats()).body).toMatchObject({ versions: [{ requests: 48 }, { requests: 34 }, { requests: 3 }] });
    const store = new PromptStore(database);
    await store.saveVersion(TENANT, `${prompt}-new`, { messages: [{ role: 'system', content: 'Be brief.' }] });
    const fresh = await call('GET', `/v1/prompts/${prompt}-new/stats`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ versions: [], baseline: null, comparisons: [] });
  });

  it('refuses bad ranges and labels, naming the parameter', async () => {
    for (const [query, param] of [
      ['?from=yesterday', 'from'],
      ['?to=soon', 'to'],
      ['?from=2026-02-01&to=2026-01-01', 'from'],
      ['?from=1600000000&to=1700000000', 'from'],
      ['?from=1&from=2', 'from'],
      [`?label=${'x'.repeat(65)}`, 'label'],
    ]) {
      const refused = await stats(query);
      expect(refused.status, query).toBe(400);
      expect((refused.body.error as { param: string }).param, query).toBe(param);
    }
  });
});
