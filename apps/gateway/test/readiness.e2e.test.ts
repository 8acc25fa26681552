import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';
import { PrivateRedis } from './private-redis';

describe('/readyz says whether Redis and PostgreSQL answer', () => {
  let platform: Platform;
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    postgres = await startPrivatePostgres();
    platform = await startPlatform({ worker: false, env: { REDIS_URL: redis.url, DATABASE_URL: postgres.url } });
  }, 60_000);

  afterAll(async () => {
    await platform?.close().catch(() => undefined);
    await redis?.stop();
    await postgres?.destroy();
  });

  async function probe(path: string) {
    const response = await fetch(`${platform.gateway.url}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const ready = () => probe('/readyz');

  it('answers 200 with both up, 503 naming Redis while it is down, and 200 again once it is back', async () => {
    expect(await ready()).toStrictEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok', postgres: 'ok' } } });
    await redis.kill();
    await expect
      .poll(ready, { timeout: 15_000, interval: 200 })
      .toStrictEqual({ status: 503, body: { status: 'not_ready', checks: { redis: 'unreachable', postgres: 'ok' } } });
    // Alive all the same: an orchestrator restarts on /healthz, and a restart would not bring Redis back.
    expect((await probe('/healthz')).status).toBe(200);
    await redis.restart();
    await expect.poll(async () => (await ready()).status, { timeout: 20_000, interval: 200 }).toBe(200);
  }, 60_000);

  it('answers 503 naming PostgreSQL while it is down, and 200 again once it is back', async () => {
    await postgres.stop();
    await expect
      .poll(ready, { timeout: 15_000, interval: 200 })
      .toStrictEqual({ status: 503, body: { status: 'not_ready', checks: { redis: 'ok', postgres: 'unreachable' } } });
    expect((await probe('/healthz')).status).toBe(200);
    await postgres.start();
    await expect.poll(async () => (await ready()).status, { timeout: 20_000, interval: 200 }).toBe(200);
  }, 60_000);
});
