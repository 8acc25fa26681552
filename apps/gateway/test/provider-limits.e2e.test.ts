import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';
import { spawnWorker, type WorkerProcess } from './worker-process';

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
    // Give the worker the moment it needs to read the 429 and pause the queue.
    await new Promise((resolve) => setTimeout(resolve, 150));
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
    const responses = await Promise.all(Array.from({ length: 9 }, (_, i) => postChat(platform, ask('fragile-echo', `burst ${i}`))));
    expect(responses.map((response) => response.status)).toStrictEqual(Array(9).fill(200));
    const times = platform.fragile.requests.map((request) => request.receivedAt).sort((a, b) => a - b);
    expect(times).toHaveLength(9);
    // BullMQ's limiter counts fixed windows, each opened by the first job after the last one closed;
    // 50 ms of slack covers the hop from the queue to the mock, which is not the same for every job.
    const windows: number[][] = [];
    for (const time of times) {
      const current = windows.at(-1);
      if (current !== undefined && time - (current[0] as number) < 950) current.push(time);
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

  it('holds the request over it in the queue instead of sending it upstream', async () => {
    const allowed = [await postChat(platform, ask('fragile-echo', 'one')), await postChat(platform, ask('fragile-echo', 'two'))];
    expect(allowed.map((response) => response.status)).toStrictEqual([200, 200]);
    const held = await postChat(platform, ask('fragile-echo', 'three'), { 'x-switchyard-timeout-ms': '600' });
    expect(held.status).toBe(504);
    expect(platform.fragile.requests).toHaveLength(2);
  });
});
