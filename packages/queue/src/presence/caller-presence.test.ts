import { randomUUID } from 'node:crypto';
import { createLogger } from '@switchyard/observability';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CallerPresence } from './caller-presence';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe(CallerPresence.name, () => {
  const redis = new Redis(url);
  const subscriber = new Redis(url);
  const presence = new CallerPresence(redis, createLogger({ service: 'test', level: 'silent' }), { checkMs: 50, goneAfterMs: 1500 });
  presence.start();

  afterAll(async () => {
    await presence.stop();
    redis.disconnect();
    subscriber.disconnect();
  });

  it('leaves the jobs of a gateway whose subscription comes back within the grace, and aborts them once it stays away', async () => {
    const channel = `sytest:reply:${randomUUID()}`;
    await subscriber.subscribe(channel);
    const job = new AbortController();
    const release = presence.watch(channel, job);

    // A reconnect: silent for less than the grace.
    await subscriber.unsubscribe(channel);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await subscriber.subscribe(channel);
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(job.signal.aborted).toBe(false);

    await subscriber.unsubscribe(channel);
    await expect.poll(() => job.signal.aborted, { timeout: 5000, interval: 20 }).toBe(true);
    expect(presence.isGone(channel)).toBe(true);
    release();
    // Its queued jobs are dropped on one silent reading; should it be back after all, they run.
    expect(await presence.confirmGone(channel)).toBe(true);
    await subscriber.subscribe(channel);
    expect(await presence.confirmGone(channel)).toBe(false);
    expect(presence.isGone(channel)).toBe(false);
    await subscriber.unsubscribe(channel);
  });

  it('tells a job that waited in its queue whether its gateway is still there', async () => {
    const live = `sytest:reply:${randomUUID()}`;
    await subscriber.subscribe(live);
    expect(await presence.confirmGone(live)).toBe(false);
    expect(await presence.confirmGone(`sytest:reply:${randomUUID()}`)).toBe(true);
    await subscriber.unsubscribe(live);
  });
});
