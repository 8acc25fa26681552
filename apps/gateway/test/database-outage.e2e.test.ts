import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createDataSource, type DataSource } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

/** How long PostgreSQL stays down; `DB_OUTAGE_MS=60000` reruns the scenario at a minute. */
const OUTAGE_MS = Number(process.env.DB_OUTAGE_MS ?? 20_000);
const ADMIN_KEY = 'sk-admin-switchyard-outage-000001';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a PostgreSQL outage under traffic', () => {
  let postgres: PrivatePostgres;
  let platform: Platform;
  let counter: DataSource;
  const logLines: string[] = [];

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    const logger = createLogger({
      service: 'gateway',
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
    });
    // Keys are asked about again every second, so the outage outlasts the cached entries many times over.
    platform = await startPlatform({ env: { DATABASE_URL: postgres.url, KEY_CACHE_MS: '1000', SWITCHYARD_ADMIN_KEY: ADMIN_KEY }, logger });
    counter = createDataSource(postgres.url, { poolSize: 1 });
    await counter.initialize();
  }, 60_000);

  afterAll(async () => {
    await counter?.destroy();
    await platform?.close();
    await postgres?.destroy();
  });

  const ask = (key: string) =>
    fetch(`${platform.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'through the outage' }] }),
    });

  it('keeps known keys answering, refuses unseen keys with 503, and writes every usage row once the database is back', async () => {
    const statuses: number[] = [];
    let sending = true;
    const sender = async () => {
      while (sending) {
        const response = await ask(TEST_API_KEY);
        statuses.push(response.status);
        await response.arrayBuffer();
        await sleep(20);
      }
    };
    const senders = Promise.all([sender(), sender(), sender(), sender()]);
    await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(20);

    await postgres.stop();
    const sentBeforeOutage = statuses.length;
    await sleep(OUTAGE_MS / 2);
    // Keys this gateway has never seen cannot be checked: one that exists, one that never did.
    const unseen = await Promise.all([ask(OTHER_TENANT_KEY), ask(`sk-made-up-${randomUUID()}`)]);
    const unseenBodies = await Promise.all(unseen.map((response) => response.json()));
    // What needs the database itself answers 503 too, not 500.
    const totals = await fetch(`${platform.gateway.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    const totalsBody = await totals.json();
    // The admin key acting for a tenant needs the tenant looked up: retryable too.
    const acting = await fetch(`${platform.gateway.url}/v1/jobs`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, 'x-switchyard-tenant': 'default' } });
    const actingBody = await acting.json();
    await sleep(OUTAGE_MS / 2);
    const sentDuringOutage = statuses.length - sentBeforeOutage;
    await postgres.start();
    await sleep(2000);
    sending = false;
    await senders;

    const counts = {
      sent: statuses.length,
      duringOutage: sentDuringOutage,
      ok: statuses.filter((s) => s === 200).length,
      errors500: statuses.filter((s) => s >= 500).length,
    };
    // Every answered request has its row; the unseen keys' requests have none (no caller to charge).
    const rows = async () => Number(((await counter.query('SELECT count(*)::int AS n FROM llm_requests')) as { n: number }[])[0]?.n);
    const answered = statuses.filter((s) => s < 500).length;
    await expect
      .poll(rows, { timeout: 20_000, interval: 200 })
      .toBe(answered)
      .catch(() => undefined);
    console.log(`database outage of ${OUTAGE_MS} ms: ${JSON.stringify({ ...counts, answered, rows: await rows(), unseen: unseen.map((r) => r.status) })}`);

    expect(unseen.map((response) => response.status)).toStrictEqual([503, 503]);
    expect(totals.status).toBe(503);
    expect(totalsBody).toMatchObject({ error: { code: 'service_unavailable' } });
    expect(acting.status).toBe(503);
    expect(actingBody).toMatchObject({ error: { code: 'service_unavailable', type: 'service_unavailable_error' } });
    for (const body of unseenBodies) expect(body).toMatchObject({ error: { code: 'service_unavailable', type: 'service_unavailable_error' } });
    expect(counts.errors500).toBe(0);
    expect(counts.ok).toBe(counts.sent);
    expect(counts.duringOutage).toBeGreaterThan(0);
    expect(await rows()).toBe(counts.ok);

    // The cause is logged once for the outage, not once per request.
    const keyOutage = logLines.filter((line) => line.includes('API keys cannot be read from PostgreSQL'));
    expect(keyOutage).toHaveLength(1);
    expect(keyOutage[0]).toContain('"level":"error"');
    expect(logLines.some((line) => line.includes('API keys are read from PostgreSQL again'))).toBe(true);
  }, 120_000);
});
