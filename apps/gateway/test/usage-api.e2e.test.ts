import { responseCacheKey } from '@switchyard/contracts';
import { createDataSource, type UsageTotals } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-usage-00000001';

describe('the usage API', () => {
  let platform: Platform;
  let key: string;
  let keyId: string;
  const tenant = `u${Date.now().toString(36)}`;
  const started = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    const admin = (path: string, body: unknown) =>
      fetch(`${platform.gateway.url}/admin${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await admin('/tenants', { id: tenant, name: 'Usage test' });
    ({ key, id: keyId } = (await (await admin(`/tenants/${tenant}/keys`, { name: 'dashboard' })).json()) as { key: string; id: string });
    // A fresh tenant's traffic: five answers, one cache hit, one failure, one refusal.
    const chat = (body: Record<string, unknown>) =>
      fetch(`${platform.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'count me' }], ...body }),
      }).then((response) => response.text());
    for (let i = 0; i < 4; i++) await chat({ user: i % 2 === 0 ? 'alice' : 'bob', messages: [{ role: 'user', content: `request ${i}` }] });
    await chat({ temperature: 0 });
    // The answer is cached just after it is sent: wait for the entry, so the repeat is a hit.
    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await vi.waitFor(async () => expect((await redis.keys(responseCacheKey(platform.env.SWITCHYARD_KEY_PREFIX ?? '', '*'))).length).toBeGreaterThan(0), {
      timeout: 5000,
    });
    await redis.quit();
    await chat({ temperature: 0 });
    await chat({ model: 'fails-500' });
    await chat({ model: 'no-such-model' });
  });

  afterAll(async () => {
    await platform.close();
  });

  const get = async (path: string, apiKey = key) => {
    const response = await fetch(`${platform.gateway.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('lists every request of the tenant, newest first, by cursor, filtered by status and user', async () => {
    await expect.poll(async () => ((await get('/v1/requests?limit=500')).body.data as unknown[]).length, { timeout: 5000 }).toBe(8);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/v1/requests?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`)).body as {
        data: { id: string }[];
        next_cursor: string | null;
      };
      ids.push(...page.data.map((row) => row.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    const failed = (await get('/v1/requests?status=failed')).body.data as { status: string; error_code: string }[];
    expect(failed).toMatchObject([{ status: 'failed', error_code: 'upstream_error' }]);
    expect(((await get('/v1/requests?user=alice')).body.data as unknown[]).length).toBe(2);
    const one = await get(`/v1/requests/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0] });
    expect(JSON.stringify(one.body)).not.toContain('count me');
  });

  it('totals equal the sum of the rows, per model', async () => {
    await expect.poll(async () => ((await get('/v1/requests?limit=500')).body.data as unknown[]).length, { timeout: 5000 }).toBe(8);
    const usage = (await get(`/v1/usage?group_by=model&start=${started}`)).body as { data: UsageTotals[] };
    const database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    const expected = (await database.query(
      `SELECT public_model AS "group", count(*)::int AS requests, sum(total_tokens)::int AS total_tokens, coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
              (count(*) FILTER (WHERE cache_hit))::float8 / count(*) AS cache_hit_rate
         FROM llm_requests WHERE tenant = $1 GROUP BY 1 ORDER BY 1`,
      [tenant],
    )) as Partial<UsageTotals>[];
    await database.destroy();
    expect(
      usage.data.map(({ group, requests, total_tokens, cost_usd, cache_hit_rate }) => ({ group, requests, total_tokens, cost_usd, cache_hit_rate })),
    ).toStrictEqual(expected);
    const echo = usage.data.find((row) => row.group === 'mock-echo');
    expect(echo).toMatchObject({ requests: 6, error_rate: 0 });
    expect(echo?.cache_hit_rate).toBeCloseTo(1 / 6);
    expect(usage.data.find((row) => row.group === 'fails-500')).toMatchObject({ requests: 1, error_rate: 1 });
  });

  it("never shows one tenant another's requests, and refuses bad parameters", async () => {
    const mine = (await get('/v1/requests?limit=1')).body.data as { id: string }[];
    expect((await get(`/v1/requests/${mine[0]?.id}`, TEST_API_KEY)).status).toBe(404);
    const ours = (await get(`/v1/usage?group_by=key&start=${started}`)).body.data as UsageTotals[];
    expect(ours.map((row) => row.group)).toStrictEqual([keyId]);
    const theirs = (await get(`/v1/usage?group_by=key&start=${started}`, TEST_API_KEY)).body.data as UsageTotals[];
    expect(theirs.map((row) => row.group)).not.toContain(keyId);
    for (const [path, param] of [
      ['/v1/usage?group_by=color', 'group_by'],
      ['/v1/usage?start=yesterday', 'start'],
      ['/v1/usage?start=2026-02-01&end=2026-01-01', 'start'],
      ['/v1/requests?limit=0', 'limit'],
      ['/v1/requests?status=great', 'status'],
      ['/v1/requests?cursor=nonsense', 'cursor'],
    ]) {
      const refused = await get(path as string);
      expect(refused.status, path).toBe(400);
      expect((refused.body.error as { param: string }).param).toBe(param);
    }
  });

  it('lets the admin read across tenants, or narrow to one; tenant keys cannot', async () => {
    await expect.poll(async () => ((await get('/v1/requests?limit=500')).body.data as unknown[]).length, { timeout: 5000 }).toBe(8);
    // Another tenant's traffic in the same window.
    await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'from acme' }] });
    const byTenant = async () => ((await get(`/admin/usage?group_by=tenant&start=${started}`, ADMIN_KEY)).body.data ?? []) as UsageTotals[];
    await expect.poll(async () => (await byTenant()).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    const groups = await byTenant();
    expect(groups.find((row) => row.group === tenant)).toMatchObject({ requests: 8 });
    expect(groups.find((row) => row.group === 'acme')?.requests).toBeGreaterThanOrEqual(1);

    const narrowed = (await get(`/admin/requests?tenant=${tenant}&limit=500`, ADMIN_KEY)).body.data as { id: string; tenant: string }[];
    expect(narrowed).toHaveLength(8);
    expect(new Set(narrowed.map((row) => row.tenant))).toStrictEqual(new Set([tenant]));
    const everyone = (await get('/admin/requests?limit=500', ADMIN_KEY)).body.data as { tenant: string }[];
    expect(new Set(everyone.map((row) => row.tenant)).size).toBeGreaterThanOrEqual(2);
    expect((await get(`/admin/requests/${narrowed[0]?.id}`, ADMIN_KEY)).body).toMatchObject({ id: narrowed[0]?.id, tenant });

    expect((await get('/admin/usage')).status).toBe(401);
    expect((await get('/admin/usage?group_by=color', ADMIN_KEY)).status).toBe(400);
  });
});
