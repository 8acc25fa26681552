import { createDataSource } from '@switchyard/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../src/start-gateway';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-test-0000000001';

describe('tenants and API keys', () => {
  let platform: Platform;
  let second: RunningGateway;
  const tenant = `t${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    // A second replica on the same Redis and database: limits and revocations must hold across both.
    second = await startGateway(platform.env);
  });

  afterAll(async () => {
    await second.close();
    await platform.close();
  });

  async function admin(method: string, path: string, body?: unknown, key = ADMIN_KEY) {
    const response = await fetch(`${platform.gateway.url}/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; param: string | null } } };
  }

  async function chat(gateway: { url: string }, key: string) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'hello' }] }),
    });
    await response.text();
    return response;
  }

  it('creates a tenant and a key shown once, stored only as a hash; revoking it refuses it on every gateway at once', async () => {
    expect((await admin('POST', '/tenants', { id: tenant, name: 'Globex' })).status).toBe(201);
    expect((await admin('POST', '/tenants', { id: tenant, name: 'again' })).body.error?.code).toBe('already_exists');
    const created = await admin('POST', `/tenants/${tenant}/keys`, { name: 'billing service' });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^sk-sy-/);
    expect(created.body).toMatchObject({ object: 'api_key', tenant, prefix: key.slice(0, 8) });

    expect((await chat(platform.gateway, key)).status).toBe(200);
    expect((await chat(second, key)).status).toBe(200);

    // Nowhere after creation: not in listings, not in the database.
    const listed = await admin('GET', `/tenants/${tenant}/keys`);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    const rows = (await database.query('SELECT * FROM api_keys WHERE tenant_id = $1', [tenant])) as unknown[];
    const usageRows = (await database.query('SELECT * FROM llm_requests WHERE tenant = $1', [tenant])) as unknown[];
    await database.destroy();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(JSON.stringify(usageRows)).not.toContain(key);

    expect((await admin('DELETE', `/keys/${created.body.id as string}`)).status).toBe(200);
    expect((await chat(platform.gateway, key)).status).toBe(401);
    // The other replica had it cached: the announcement made it forget.
    await expect.poll(async () => (await chat(second, key)).status, { timeout: 5000, interval: 20 }).toBe(401);
  });

  it('refuses a key once it has expired', async () => {
    const created = await admin('POST', `/tenants/${tenant}/keys`, { name: 'temporary', expires_at: Math.floor(Date.now() / 1000) + 4 });
    const key = created.body.key as string;
    expect((await chat(platform.gateway, key)).status).toBe(200);
    await expect.poll(async () => (await chat(platform.gateway, key)).status, { timeout: 15_000, interval: 200 }).toBe(401);
  }, 30_000);

  it('holds a per-minute limit across two gateways: 100 requests at 60/min, exactly 60 pass', async () => {
    await inOneClockMinute(async () => {
      const created = await admin('POST', `/tenants/${tenant}/keys`, { name: 'limited', limits: { requestsPerMinute: 60 } });
      const key = created.body.key as string;
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => chat(i % 2 === 0 ? platform.gateway : second, key)));
      const passed = responses.filter((response) => response.status === 200);
      const limited = responses.filter((response) => response.status === 429);
      expect(passed).toHaveLength(60);
      expect(limited).toHaveLength(40);
      const refused = limited[0];
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused?.headers.get('x-ratelimit-limit-requests')).toBe('60');
      expect(refused?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(passed[0]?.headers.get('x-ratelimit-limit-requests')).toBe('60');
    });
  }, 60_000);

  it('applies changed limits at once, and refuses bad admin calls clearly', async () => {
    const created = await admin('POST', `/tenants/${tenant}/keys`, { name: 'to change' });
    const key = created.body.key as string;
    expect((await chat(platform.gateway, key)).status).toBe(200);
    expect((await admin('PATCH', `/keys/${created.body.id as string}`, { limits: { requestsPerDay: 1 } })).status).toBe(200);
    expect((await chat(platform.gateway, key)).status).toBe(200);
    expect((await chat(platform.gateway, key)).status).toBe(429);

    expect((await admin('GET', '/tenants', undefined, 'sk-not-the-admin-key-000000')).status).toBe(401);
    expect((await admin('POST', '/tenants', { id: 'Bad Id', name: 'x' })).body.error?.param).toBe('id');
    expect((await admin('POST', '/tenants/nobody/keys', { name: 'x' })).status).toBe(404);
    expect((await admin('POST', `/tenants/${tenant}/keys`, { name: 'x', limits: { requestsPerMinute: 0 } })).body.error?.param).toBe(
      'limits.requestsPerMinute',
    );
    expect((await admin('DELETE', '/keys/key_nope')).status).toBe(404);
    expect((await admin('POST', `/tenants/${tenant}/keys`, { name: 'x', expires_at: 9e12 })).body.error?.param).toBe('expires_at');
    expect((await admin('POST', `/tenants/${tenant}/keys`, { name: 'x', expires_at: 1_000_000 })).body.error?.param).toBe('expires_at');
  });
});
