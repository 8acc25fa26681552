import { createDataSource, type DataSource, type LlmRequestRecord, latencyBucket, latencyBucketBounds } from '@switchyard/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { type AdminApi, createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-series-0000001';

interface Point {
  t: string;
  requests: number;
  errors: number;
  cache_hits: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  avg_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}
interface SeriesBody {
  object: string;
  interval: string;
  from: string;
  to: string;
  group_by: string | null;
  series: { group: string | null; points: Point[] }[];
}

const sum = (points: Point[], field: keyof Point) => points.reduce((total, point) => total + (point[field] as number), 0);

/** A usage row as a worker would write it, for the tests that need exact latencies. */
function row(tenant: string, i: number, fields: Partial<LlmRequestRecord>): LlmRequestRecord {
  return {
    requestId: `${tenant}-${i}`,
    jobId: `req_${tenant}_${i}`,
    keyId: 'series-key',
    tenant,
    userId: null,
    provider: 'mock',
    model: 'echo',
    publicModel: 'mock-echo',
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    costUsd: '0.00010000',
    latencyMs: 100,
    upstreamLatencyMs: null,
    queueWaitMs: null,
    status: 'succeeded',
    errorCode: null,
    cacheHit: false,
    attempts: 1,
    promptVersion: null,
    streamed: false,
    firstTokenMs: null,
    routeAttempts: null,
    createdAt: new Date(),
    ...fields,
  };
}

describe('usage series', () => {
  let platform: Platform;
  let admin: AdminApi;
  let database: DataSource;
  const tenant = `series${Date.now().toString(36)}`;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    admin = { platform, adminKey: ADMIN_KEY };
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    await createTenant(admin, { id: tenant, name: 'Series test' });
    ({ key, id: keyId } = await keyWithLimits(admin, tenant, {}));
    const chat = (body: Record<string, unknown>) =>
      fetch(`${platform.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'chart me' }], ...body }),
      }).then((response) => response.text());
    // Answers for two users, a failure, a refusal and one through the other provider.
    for (let i = 0; i < 5; i++) await chat({ user: i % 2 === 0 ? 'alice' : 'bob', messages: [{ role: 'user', content: `chart ${i}` }] });
    await chat({ model: 'fails-500' });
    await chat({ model: 'no-such-model' });
    await chat({ model: 'backup-echo' });
  });

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
  });

  const get = async (path: string, apiKey = key) => {
    const response = await fetch(`${platform.gateway.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    return { status: response.status, body: (await response.json()) as SeriesBody & { error?: { param: string; type: string }; data?: unknown } };
  };

  it('sums to what the requests through the platform wrote: counts, tokens and cost match /v1/usage', async () => {
    await expect.poll(async () => sum((await get('/v1/usage/series')).body.series[0]?.points ?? [], 'requests'), { timeout: 5000 }).toBe(8);
    const { status, body } = await get('/v1/usage/series?group_by=model');
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'usage.series', interval: 'hour', group_by: 'model' });
    expect(new Date(body.to).getTime() - new Date(body.from).getTime()).toBe(24 * 3600 * 1000);
    const totals = (await get('/v1/usage?group_by=model')).body.data as {
      group: string | null;
      requests: number;
      prompt_tokens: number;
      completion_tokens: number;
      cost_usd: number;
      error_rate: number;
      cache_hit_rate: number;
    }[];
    const fromSeries = body.series
      .map(({ group, points }) => ({
        group,
        requests: sum(points, 'requests'),
        errors: sum(points, 'errors'),
        cache_hits: sum(points, 'cache_hits'),
        prompt_tokens: sum(points, 'prompt_tokens'),
        completion_tokens: sum(points, 'completion_tokens'),
        cost_usd: Number(sum(points, 'cost_usd').toFixed(8)),
      }))
      .sort((a, b) => String(a.group).localeCompare(String(b.group)));
    const fromTotals = totals
      .map((total) => ({
        group: total.group,
        requests: total.requests,
        errors: Math.round(total.error_rate * total.requests),
        cache_hits: Math.round(total.cache_hit_rate * total.requests),
        prompt_tokens: total.prompt_tokens,
        completion_tokens: total.completion_tokens,
        cost_usd: Number(total.cost_usd.toFixed(8)),
      }))
      .sort((a, b) => String(a.group).localeCompare(String(b.group)));
    expect(fromSeries).toStrictEqual(fromTotals);
    // Busiest group first; the failure counts as an error.
    expect(body.series[0]).toMatchObject({ group: 'mock-echo' });
    expect(fromSeries.find((group) => group.group === 'fails-500')).toMatchObject({ requests: 1, errors: 1 });
    expect(fromSeries.find((group) => group.group === 'mock-echo')?.cost_usd).toBeGreaterThan(0);

    // By day, by provider and by user: the same requests, cut differently.
    const byDay = (await get('/v1/usage/series?interval=day&group_by=provider')).body;
    expect(byDay.series.map((series) => series.group).sort()).toEqual(expect.arrayContaining(['backup', 'mock']));
    expect(byDay.series.flatMap((series) => series.points).every((point) => point.t.endsWith('T00:00:00Z'))).toBe(true);
    expect(byDay.series.reduce((total, series) => total + sum(series.points, 'requests'), 0)).toBe(8);
    const byUser = (await get('/v1/usage/series?group_by=user')).body;
    expect(Object.fromEntries(byUser.series.map((series) => [series.group, sum(series.points, 'requests')]))).toStrictEqual({ alice: 3, bob: 2, null: 3 });
  });

  it("shows a tenant only its own rows; the admin sees one tenant's or all", async () => {
    const ours = (await get('/v1/usage/series?group_by=key')).body.series.map((series) => series.group);
    expect(ours).toStrictEqual([keyId]);
    const theirs = (await get('/v1/usage/series?group_by=key', TEST_API_KEY)).body.series.map((series) => series.group);
    expect(theirs).not.toContain(keyId);
    const narrowed = (await get(`/admin/usage/series?tenant=${tenant}&group_by=key`, ADMIN_KEY)).body;
    expect(narrowed.series.map((series) => series.group)).toStrictEqual([keyId]);
    // Across every tenant this key is one of many (on a shared database it may be summed into "other"): its requests are in the whole.
    const requestsOf = (body: typeof narrowed) => body.series.flatMap((series) => series.points).reduce((sum, point) => sum + point.requests, 0);
    const everyone = (await get('/admin/usage/series?group_by=key', ADMIN_KEY)).body;
    expect(everyone.series.length).toBeGreaterThan(1);
    expect(requestsOf(everyone)).toBeGreaterThan(requestsOf(narrowed));
    const keys = everyone.series.map((series) => series.group);
    if (!keys.includes(keyId)) expect(keys.at(-1)).toBe('other');
  });

  it('reads p50 and p95 from the latency histogram within its bucket precision, and counts a row written twice once', async () => {
    const own = `pct${Date.now().toString(36)}`;
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
    // A long tail: most requests fast, some slow, a few very slow; two models.
    const latencies = Array.from({ length: 400 }, (_, i) => (i < 300 ? 40 + i : i < 380 ? 900 + i * 3 : 8000 + i * 10));
    const rows = latencies.map((latencyMs, i) => row(own, i, { latencyMs, publicModel: i % 4 === 0 ? 'other-model' : 'mock-echo', createdAt: hour }));
    await platform.usage.insertMany(rows);
    // A batch a flusher wrote again after a takeover: skipped by the insert, so not counted again.
    await platform.usage.insertMany(rows.slice(0, 100));
    try {
      const body = (await get(`/admin/usage/series?tenant=${own}&group_by=model`, ADMIN_KEY)).body;
      for (const series of body.series) {
        expect(series.points).toHaveLength(1);
        const point = series.points[0] as Point;
        expect(point.t).toBe(hour.toISOString().replace('.000Z', 'Z'));
        const [truth] = (await database.query(
          `SELECT count(*)::int AS requests, round(avg(latency_ms))::int AS avg,
                  percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95
             FROM llm_requests WHERE tenant = $1 AND public_model = $2`,
          [own, series.group],
        )) as { requests: number; avg: number; p50: number; p95: number }[];
        expect(point.requests).toBe(truth?.requests);
        expect(point.avg_latency_ms).toBe(truth?.avg);
        for (const [estimate, exact] of [
          [point.p50_latency_ms, truth?.p50],
          [point.p95_latency_ms, truth?.p95],
        ] as [number, number][]) {
          const { lower, upper } = latencyBucketBounds(latencyBucket(exact));
          expect(estimate).toBeGreaterThanOrEqual(Math.floor(lower));
          expect(estimate).toBeLessThanOrEqual(Math.ceil(upper));
        }
      }
      expect(body.series.map((series) => series.points[0]?.requests)).toStrictEqual([300, 100]);
    } finally {
      await database.query('DELETE FROM llm_requests WHERE tenant = $1', [own]);
      await database.query('DELETE FROM usage_rollups WHERE tenant = $1', [own]);
    }
  });

  it('refuses bad parameters naming them, a wrong key, and tenant keys on the admin route', async () => {
    for (const [path, param] of [
      ['/v1/usage/series?interval=week', 'interval'],
      ['/v1/usage/series?group_by=tenant', 'group_by'],
      ['/v1/usage/series?from=yesterday', 'from'],
      ['/v1/usage/series?to=soon', 'to'],
      ['/v1/usage/series?from=2026-02-01&to=2026-01-01', 'from'],
      ['/v1/usage/series?from=2024-01-01&to=2026-01-01', 'from'],
      ['/v1/usage/series?interval=hour&interval=day', 'interval'],
    ] as const) {
      const refused = await get(path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', param });
    }
    expect((await get(`/admin/usage/series?tenant=${'x'.repeat(300)}`, ADMIN_KEY)).body.error?.param).toBe('tenant');
    expect((await get('/v1/usage/series', 'sk-wrong')).status).toBe(401);
    expect((await get('/admin/usage/series', key)).status).toBe(401);
    // A range of up to 400 days is fine.
    expect((await get('/v1/usage/series?interval=day&from=2025-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).status).toBe(200);
  });

  it('answers a 30-day hourly series of a tenant with 200,000 rows in under a second', { timeout: 180_000 }, async () => {
    const big = `big${Date.now().toString(36)}`;
    const rows = 200_000;
    try {
      // Spread over the 30 days before now, with the latencies, models and statuses of real traffic.
      await database.query(
        `INSERT INTO llm_requests (request_id, job_id, key_id, tenant, user_id, provider, model, public_model, prompt_tokens, completion_tokens, total_tokens,
                                   cost_usd, latency_ms, status, cache_hit, created_at)
         SELECT 'r' || g, $1 || '-' || g, 'key-' || (g % 5), $1, 'user-' || (g % 40), 'mock', 'echo', 'model-' || (g % 12), 100, 50, 150,
                0.0001, 20 + (g::bigint * 7919) % 3000, CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'succeeded' END, g % 10 = 0,
                now() - (g::float8 / $2) * interval '30 days'
           FROM generate_series(1, $2::int) AS g`,
        [big, rows],
      );
      const query = `/admin/usage/series?tenant=${big}&from=${new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString()}`;
      await get(query, ADMIN_KEY);
      const started = performance.now();
      const { status, body } = await get(query, ADMIN_KEY);
      const elapsed = performance.now() - started;
      expect(status).toBe(200);
      expect(body.series[0]?.points.length).toBeGreaterThanOrEqual(720);
      expect(sum(body.series[0]?.points ?? [], 'requests')).toBe(rows);
      expect(sum(body.series[0]?.points ?? [], 'errors')).toBe(rows / 50);
      expect(elapsed).toBeLessThan(1000);
      // Split by model too: every model its own series.
      const byModel = await get(`${query}&group_by=model`, ADMIN_KEY);
      expect(byModel.body.series).toHaveLength(12);
      expect(byModel.body.series.reduce((total, series) => total + sum(series.points, 'requests'), 0)).toBe(rows);
    } finally {
      await database.query('DELETE FROM llm_requests WHERE tenant = $1', [big]);
      await database.query('DELETE FROM usage_rollups WHERE tenant = $1', [big]);
    }
  });
});
