import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port';
import { type Platform, startPlatform } from './platform-harness';
import { type PrivatePostgres, startPostgres, startRedis } from './private-services';

describe('/readyz says whether Redis and PostgreSQL answer', () => {
  let platform: Platform;
  let redis: ChildProcess;
  let redisPort: number;
  let postgres: PrivatePostgres;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-ready-'));

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort, dir);
    postgres = await startPostgres();
    platform = await startPlatform({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${redisPort}`, DATABASE_URL: postgres.url } });
  }, 60_000);

  afterAll(async () => {
    await platform?.close().catch(() => undefined);
    redis?.kill('SIGKILL');
    postgres?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  async function probe(path: string) {
    const response = await fetch(`${platform.gateway.url}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const ready = () => probe('/readyz');

  it('answers 200 with both up, 503 naming Redis while it is down, and 200 again once it is back', async () => {
    expect(await ready()).toStrictEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok', postgres: 'ok' } } });
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;
    await expect
      .poll(ready, { timeout: 15_000, interval: 200 })
      .toStrictEqual({ status: 503, body: { status: 'not_ready', checks: { redis: 'unreachable', postgres: 'ok' } } });
    // Alive all the same: an orchestrator restarts on /healthz, and a restart would not bring Redis back.
    expect((await probe('/healthz')).status).toBe(200);
    redis = await startRedis(redisPort, dir);
    await expect.poll(async () => (await ready()).status, { timeout: 20_000, interval: 200 }).toBe(200);
  }, 60_000);

  it('answers 503 naming PostgreSQL while it is down, and 200 again once it is back', async () => {
    postgres.stop();
    await expect
      .poll(ready, { timeout: 15_000, interval: 200 })
      .toStrictEqual({ status: 503, body: { status: 'not_ready', checks: { redis: 'ok', postgres: 'unreachable' } } });
    expect((await probe('/healthz')).status).toBe(200);
    await postgres.start();
    await expect.poll(async () => (await ready()).status, { timeout: 20_000, interval: 200 }).toBe(200);
  }, 60_000);
});
