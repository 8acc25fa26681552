import { DirectClient } from '@switchyard/client';
import { createLogger } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnGateway, spawnWorker } from './app-process';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { PrivateRedis } from './private-redis';

/** Generous for a loaded 2-core machine, and still far below the seconds a retried command takes. */
const FAIL_FAST_MS = 2000;

interface Answer {
  status: number;
  code: string | undefined;
  ms: number;
}

async function post(url: string, path: string): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'is redis there?' }] }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { error?: { code?: string } };
    return { status: response.status, code: body.error?.code, ms: Math.round(performance.now() - started) };
  } catch {
    // No answer at all: a hang, which the status check below reports.
    return { status: 0, code: undefined, ms: Math.round(performance.now() - started) };
  }
}

async function listeningUrl(app: AppProcess): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(app.output())?.[1];
    if (url !== undefined) return url;
    if (app.child.exitCode !== null || Date.now() > deadline) throw new Error(`gateway did not start:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lines a process printed that are not JSON log lines (stack traces, console output). */
function strayLines(app: AppProcess): string[] {
  return app
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
}

describe('a Redis outage', () => {
  let redis: PrivateRedis;
  let platform: Platform;
  let gateway: AppProcess;
  let worker: AppProcess;
  let url: string;
  let client: DirectClient;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    platform = await startPlatform({ worker: false, env: { REDIS_URL: redis.url } });
    gateway = spawnGateway(platform.env);
    worker = await spawnWorker(platform.env);
    url = await listeningUrl(gateway);
    client = await DirectClient.connect({
      redisUrl: redis.url,
      prefix: platform.env.SWITCHYARD_KEY_PREFIX ?? '',
      configPath: platform.env.SWITCHYARD_CONFIG ?? '',
      caller: { keyId: 'test-key', tenant: 'acme' },
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
  }, 40_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    gateway?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await redis.restart().catch(() => undefined);
    await platform?.close();
    await redis?.stop();
  });

  it('answers 503 service_unavailable at once, logs it as JSON, and serves again when Redis is back', async () => {
    expect((await post(url, '/v1/chat/completions')).status).toBe(200);
    expect((await post(url, '/v1/jobs')).status).toBe(202);

    await redis.kill();
    const answers: Answer[] = [];
    // Right after the kill, and again once the connections are between reconnect attempts.
    for (let round = 0; round < 3; round++) {
      answers.push(await post(url, '/v1/jobs'), await post(url, '/v1/chat/completions'));
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    for (const answer of answers) expect(answer).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(FAIL_FAST_MS);

    // The direct client's callers are not kept waiting either.
    const started = performance.now();
    await expect(client.enqueue({ model: 'mock-echo', messages: [{ role: 'user', content: 'direct, while redis is down' }] })).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    expect(performance.now() - started).toBeLessThan(FAIL_FAST_MS);

    // Every connection's errors reach the log as JSON lines, not ioredis's or BullMQ's stack traces.
    await expect.poll(() => gateway.output().includes('"redis connection error"'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => worker.output().includes('"redis connection error"'), { timeout: 10_000 }).toBe(true);

    await redis.restart();
    await expect.poll(async () => (await post(url, '/v1/jobs')).status, { timeout: 20_000, interval: 200 }).toBe(202);
    await expect.poll(async () => (await post(url, '/v1/chat/completions')).status, { timeout: 20_000, interval: 200 }).toBe(200);
    await expect
      .poll(
        async () =>
          (await client.enqueue({ model: 'mock-echo', messages: [{ role: 'user', content: 'direct, redis is back' }] }).catch(() => undefined))?.status,
        { timeout: 20_000, interval: 200 },
      )
      .toBe('queued');

    for (const app of [gateway, worker]) {
      expect(app.output()).not.toContain('Unhandled error event');
      expect(strayLines(app)).toEqual([]);
    }
  }, 90_000);
});
