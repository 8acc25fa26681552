import { circuitKeys } from '@switchyard/contracts';
import { createDataSource, type DataSource } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { type AdminApi, createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-console-000001';

describe('what an admin console reads', () => {
  let platform: Platform;
  let admin: AdminApi;
  let redis: Redis;
  let database: DataSource;
  const tenant = `console${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({
      env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY, FRAGILE_LIMITS: '{ requestsPerMinute: 600, tokensPerMinute: 100000 }' },
    });
    admin = { platform, adminKey: ADMIN_KEY };
    redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    await createTenant(admin, { id: tenant, name: 'Console test' });
  });

  afterAll(async () => {
    await redis?.quit();
    await database?.destroy();
    await platform?.close();
  });

  const call = async (method: string, path: string, apiKey: string, headers: Record<string, string> = {}, body?: unknown) => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> & { error?: Record<string, unknown> } };
  };
  const chat = (apiKey: string, model = 'mock-echo') =>
    call('POST', '/v1/chat/completions', apiKey, {}, { model, messages: [{ role: 'user', content: 'console' }] });

  it('tells a key whose it is: GET /v1/me', async () => {
    const limited = await keyWithLimits(admin, tenant, { requestsPerMinute: 50 });
    expect((await call('GET', '/v1/me', limited.key)).body).toStrictEqual({
      object: 'caller',
      tenant,
      key_id: limited.id,
      key_name: 'limited',
      limits: { requestsPerMinute: 50 },
    });
    expect((await call('GET', '/v1/me', TEST_API_KEY)).body).toMatchObject({ object: 'caller', tenant: 'acme', key_id: 'test-key', key_name: 'test-key' });
    expect((await call('GET', '/v1/me', 'sk-wrong')).status).toBe(401);
  });

  it('lets the admin key read for a tenant and cancel its work, and nothing else', async () => {
    const own = await keyWithLimits(admin, tenant, { requestsPerMinute: 100 });
    expect((await chat(own.key)).status).toBe(200);
    const acting = { 'x-switchyard-tenant': tenant };
    expect((await call('GET', '/v1/me', ADMIN_KEY, acting)).body).toStrictEqual({ object: 'caller', tenant, key_id: 'admin', key_name: null, limits: {} });
    await expect.poll(async () => ((await call('GET', '/v1/requests', ADMIN_KEY, acting)).body.data as unknown[]).length, { timeout: 5000 }).toBe(1);
    const rows = (await call('GET', '/v1/requests', ADMIN_KEY, acting)).body.data as { tenant: string }[];
    expect(rows.map((row) => row.tenant)).toStrictEqual([tenant]);
    expect((await call('GET', '/v1/usage/series', ADMIN_KEY, acting)).status).toBe(200);
    expect((await call('GET', '/v1/models', ADMIN_KEY, acting)).status).toBe(200);

    // A job of the tenant's, queued behind a slow one, cancelled by the admin.
    const job = await call('POST', '/v1/jobs', own.key, {}, { model: 'stalls', messages: [{ role: 'user', content: 'cancel me' }] });
    expect(job.status).toBe(202);
    const cancelled = await call('DELETE', `/v1/jobs/${job.body.id}`, ADMIN_KEY, acting);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: job.body.id });
    // Another tenant's job is not the admin's to find under this tenant.
    const theirs = await call('POST', '/v1/jobs', TEST_API_KEY, {}, { model: 'stalls', messages: [{ role: 'user', content: 'not yours' }] });
    expect((await call('DELETE', `/v1/jobs/${theirs.body.id}`, ADMIN_KEY, acting)).status).toBe(404);
    await call('DELETE', `/v1/jobs/${theirs.body.id}`, TEST_API_KEY);
    expect((await call('POST', '/v1/batches/batch_missing/cancel', ADMIN_KEY, acting)).status).toBe(404);
    expect((await call('POST', '/v1/webhooks/dead-letters/evt_missing/redeliver', ADMIN_KEY, acting)).status).toBe(404);

    // Work the tenant would pay for, and changes, need one of its own keys.
    for (const [method, path, body] of [
      ['POST', '/v1/chat/completions', { model: 'mock-echo', messages: [{ role: 'user', content: 'on the house?' }] }],
      ['POST', '/v1/jobs', { model: 'mock-echo', messages: [{ role: 'user', content: 'on the house?' }] }],
      ['POST', '/v1/prompts', { name: 'nope', template: 'x' }],
      ['DELETE', '/v1/files/file_missing', undefined],
    ] as const) {
      const refused = await call(method, path, ADMIN_KEY, acting, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'admin_read_only' });
    }
    await expect.poll(async () => ((await call('GET', '/v1/requests', ADMIN_KEY, acting)).body.data as unknown[]).length, { timeout: 5000 }).toBe(2);
    const statuses = ((await call('GET', '/v1/requests', ADMIN_KEY, acting)).body.data as { status: string }[]).map((row) => row.status).sort();
    // The refused chat completion wrote nothing: only the answer and the cancelled job.
    expect(statuses).toStrictEqual(['cancelled', 'succeeded']);

    // Without the header the admin key is no key of /v1; an unknown tenant is a 404; a tenant key ignores the header.
    expect((await call('GET', '/v1/requests', ADMIN_KEY)).status).toBe(401);
    expect((await call('POST', '/v1/chat/completions', ADMIN_KEY, {}, { model: 'mock-echo', messages: [] })).status).toBe(401);
    const unknown = await call('GET', '/v1/requests', ADMIN_KEY, { 'x-switchyard-tenant': 'no-such-tenant' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ type: 'not_found_error' });
    expect((await call('GET', '/v1/me', TEST_API_KEY, acting)).body).toMatchObject({ tenant: 'acme' });
    expect((await call('GET', '/v1/me', 'sk-wrong', acting)).status).toBe(401);
  });

  it('lists keys with what each used in its windows, from Redis, across tenants or for one', async () => {
    await inOneClockMinute(async () => {
      const spender = await keyWithLimits(admin, tenant, { requestsPerMinute: 100, budgetUsdPerDay: 5 });
      const counted = await keyWithLimits(admin, tenant, { tokensPerMinute: 100_000, budgetUsdPerMonth: 50 });
      const free = await keyWithLimits(admin, tenant, {});
      for (let i = 0; i < 2; i++) expect((await chat(spender.key)).status).toBe(200);
      expect((await chat(counted.key)).status).toBe(200);
      const list = async (query: string) =>
        (await call('GET', `/admin/keys${query}`, ADMIN_KEY)).body.data as { id: string; usage: Record<string, number | null> }[];
      // Spend is settled with the real cost once the worker has the usage.
      await expect
        .poll(async () => (await list(`?tenant=${tenant}`)).find((key) => key.id === spender.id)?.usage.spend_usd_today ?? 0, { timeout: 5000 })
        .toBeGreaterThan(0);
      const keys = await list(`?tenant=${tenant}`);
      expect(keys.find((key) => key.id === spender.id)?.usage).toMatchObject({
        requests_this_minute: 2,
        tokens_this_minute: null,
        spend_usd_this_month: null,
      });
      const countedUsage = keys.find((key) => key.id === counted.id)?.usage;
      expect(countedUsage).toMatchObject({ requests_this_minute: null, spend_usd_today: null });
      expect(countedUsage?.tokens_this_minute).toBeGreaterThan(0);
      expect(countedUsage?.spend_usd_this_month).toBeGreaterThan(0);
      expect(keys.find((key) => key.id === free.id)).toMatchObject({
        object: 'api_key',
        tenant,
        usage: { requests_this_minute: null, tokens_this_minute: null, spend_usd_today: null, spend_usd_this_month: null },
      });

      expect((await call('DELETE', `/admin/keys/${free.id}`, ADMIN_KEY)).status).toBe(200);
      expect((await list(`?tenant=${tenant}`)).map((key) => key.id)).not.toContain(free.id);
      expect((await list(`?tenant=${tenant}&include_revoked=true`)).map((key) => key.id)).toContain(free.id);
      const everyone = await list('');
      expect(everyone.map((key) => key.id)).toEqual(expect.arrayContaining([spender.id, 'test-key', 'other-key']));
    });
    expect((await call('GET', '/admin/keys?include_revoked=maybe', ADMIN_KEY)).body.error).toMatchObject({ param: 'include_revoked' });
    expect((await call('GET', '/admin/keys?tenant=no-such-tenant', ADMIN_KEY)).status).toBe(404);
    expect((await call('GET', '/admin/keys', TEST_API_KEY)).status).toBe(401);
    expect((await call('GET', '/admin/keys', 'sk-wrong')).status).toBe(401);
  });

  it("shows each provider's circuits, limits in use and a local server's models", async () => {
    expect((await chat(TEST_API_KEY, 'fragile-echo')).status).toBe(200);
    const prefix = platform.env.SWITCHYARD_KEY_PREFIX ?? '';
    // The circuit of one of mock's models open, as a worker's breaker leaves it; a failure counted on another.
    await redis.set(circuitKeys(prefix, 'mock', 'echo@status=500').open, '1', 'PX', 60_000);
    await redis.set(circuitKeys(prefix, 'mock', 'echo@hang').failures, '1', 'PX', 60_000);
    await platform.startLocalWorker();
    type Provider = { provider: string; kind: string; models: { model: string; circuit: string; recent_failures: number }[]; limits: unknown; local: unknown };
    const providers = async () => (await call('GET', '/admin/providers', ADMIN_KEY)).body.data as Provider[];
    await expect.poll(async () => (await providers()).find((p) => p.provider === 'local')?.local, { timeout: 15_000 }).not.toBeNull();
    const data = await providers();
    expect(data.map((p) => p.provider).sort()).toStrictEqual(['asleep', 'backup', 'fragile', 'local', 'mock']);
    const mock = data.find((p) => p.provider === 'mock') as Provider;
    expect(mock).toMatchObject({ kind: 'openai-compatible', limits: { rpm: null, tpm: null }, local: null });
    expect(mock.models.find((m) => m.model === 'echo')).toStrictEqual({ model: 'echo', circuit: 'closed', recent_failures: 0 });
    expect(mock.models.find((m) => m.model === 'echo@status=500')?.circuit).toBe('open');
    expect(mock.models.find((m) => m.model === 'echo@hang')).toMatchObject({ circuit: 'closed', recent_failures: 1 });
    const fragile = data.find((p) => p.provider === 'fragile') as Provider & {
      limits: { rpm: { limit: number; used: number }; tpm: { limit: number; used: number } };
    };
    expect(fragile.limits.rpm.limit).toBe(600);
    expect(fragile.limits.rpm.used).toBeGreaterThanOrEqual(1);
    expect(fragile.limits.tpm).toMatchObject({ limit: 100_000 });
    expect(data.find((p) => p.provider === 'local')).toMatchObject({
      kind: 'ollama',
      local: { models: expect.arrayContaining([expect.any(String)]), at: expect.any(Number) },
    });
    expect((await call('GET', '/admin/providers', TEST_API_KEY)).status).toBe(401);
  });

  it('lists model benchmark runs, newest first', async () => {
    await database.query('DELETE FROM model_benchmark_runs');
    expect((await call('GET', '/admin/model-benchmarks', ADMIN_KEY)).body).toStrictEqual({ object: 'list', data: [] });
    await database.query(
      "INSERT INTO model_benchmark_runs (id, created_at, suite, models, results) VALUES ('bench_1', '2026-12-01T10:00:00Z', 'summaries', $1, $2)",
      [JSON.stringify(['mock-echo', 'backup-echo']), JSON.stringify({ 'mock-echo': { score: 0.9 } })],
    );
    try {
      expect((await call('GET', '/admin/model-benchmarks', ADMIN_KEY)).body).toStrictEqual({
        object: 'list',
        data: [
          { id: 'bench_1', created_at: 1_796_119_200, suite: 'summaries', models: ['mock-echo', 'backup-echo'], results: { 'mock-echo': { score: 0.9 } } },
        ],
      });
    } finally {
      await database.query("DELETE FROM model_benchmark_runs WHERE id = 'bench_1'");
    }
    expect((await call('GET', '/admin/model-benchmarks?limit=0', ADMIN_KEY)).body.error).toMatchObject({ param: 'limit' });
    expect((await call('GET', '/admin/model-benchmarks', TEST_API_KEY)).status).toBe(401);
  });
});
