import { llmQueueKey, llmQueuePrefix } from '@switchyard/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from './app-process';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

const ask = (model: string, content = 'hello') => JSON.stringify({ model, messages: [{ role: 'user', content }] });

describe('a 429 with Retry-After', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it("pauses the provider's queue for that long, then the job succeeds", async () => {
    platform.fragile.setDefaultBehaviour({ status: 429, retryAfterSeconds: 1 });
    const first = postChat(platform, ask('fragile-echo', 'first'));
    await expect.poll(() => platform.fragile.requests.length, { timeout: 3000, interval: 10 }).toBe(1);
    const limitedAt = platform.fragile.requests[0]?.receivedAt ?? 0;
    platform.fragile.setDefaultBehaviour({});
    // Wait until the worker has read the 429 and paused the queue (BullMQ keeps the pause in Redis).
    const redis = new Redis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await expect
      .poll(() => redis.pttl(`${llmQueueKey(platform.env.SWITCHYARD_KEY_PREFIX ?? '', 'fragile')}:limiter`), { timeout: 3000, interval: 5 })
      .toBeGreaterThan(0);
    redis.disconnect();
    const second = postChat(platform, ask('fragile-echo', 'second'));

    const responses = await Promise.all([first, second]);
    expect(responses.map((response) => response.status)).toStrictEqual([200, 200]);
    const later = platform.fragile.requests.slice(1).map((request) => request.receivedAt - limitedAt);
    expect(later).toHaveLength(2);
    // Nothing reached the provider again before its Retry-After was over.
    for (const delay of later) expect(delay).toBeGreaterThanOrEqual(950);
  });
});

describe('a provider limit of N requests per window, two worker processes', () => {
  let platform: Platform;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // 3 requests per 1-second window for `fragile` (180 per minute counted over 1 s).
    platform = await startPlatform({ worker: false, env: { FRAGILE_LIMITS: '{ requestsPerMinute: 180, windowMs: 1000 }' } });
    workers.push(await spawnWorker(platform.env), await spawnWorker(platform.env));
  });

  afterEach(() => undefined);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await platform.close();
  });

  it('never lets more than N requests reach the provider in any window; the rest wait and succeed', async () => {
    // Async jobs, whose finished jobs stay in the queue (a sync job's is deleted once answered) with the time each was let through.
    const responses = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        fetch(`${platform.gateway.url}/v1/jobs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
          body: ask('fragile-echo', `burst ${i}`),
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toStrictEqual(Array(9).fill(202));
    const queue = new Queue('fragile', { connection: { url: platform.env.REDIS_URL }, prefix: llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX) });
    await expect.poll(async () => (await queue.getJobCounts('completed')).completed, { timeout: 15_000, interval: 100 }).toBe(9);
    expect(platform.fragile.requests).toHaveLength(9);
    // When each job was let through, as BullMQ recorded it on moving the job to active.
    const times = (await queue.getCompleted()).map((job) => job.processedOn ?? 0).sort((a, b) => a - b);
    await queue.close();
    // BullMQ's limiter counts fixed windows, each opened by the first job after the last one closed.
    // processedOn is the worker's clock just before its call, so a job can read a few ms early.
    const windows: number[][] = [];
    for (const time of times) {
      const current = windows.at(-1);
      if (current !== undefined && time - (current[0] as number) < 970) current.push(time);
      else windows.push([time]);
    }
    expect(windows.map((window) => window.length)).toStrictEqual([3, 3, 3]);
  });
});

describe('a requests-per-day budget', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ env: { FRAGILE_LIMITS: '{ requestsPerDay: 2 }' } });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('sends the request over it to its fallback, or answers 429 until the budget renews, never upstream', async () => {
    const allowed = [await postChat(platform, ask('fragile-echo', 'one')), await postChat(platform, ask('fragile-echo', 'two'))];
    expect(allowed.map((response) => response.status)).toStrictEqual([200, 200]);

    const rerouted = await postChat(platform, ask('fragile-chain', 'three'));
    expect(rerouted.status).toBe(200);
    expect(rerouted.headers.get('x-switchyard-provider')).toBe('backup');

    const refused = await postChat(platform, ask('fragile-echo', 'four'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'upstream_rate_limited' } });
    expect(platform.fragile.requests).toHaveLength(2);
  });
});

describe('a 429 whose Retry-After is 0', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('is answered at once instead of failing the pause', async () => {
    const started = Date.now();
    const response = await postChat(platform, JSON.stringify({ model: 'fragile-echo', messages: [{ role: 'user', content: 'x' }] }), {});
    expect(response.status).toBe(200);
    platform.fragile.setDefaultBehaviour({ status: 429, retryAfterSeconds: 0 });
    const limited = await postChat(platform, ask('fragile-echo', 'zero'));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { code: 'upstream_rate_limited' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
