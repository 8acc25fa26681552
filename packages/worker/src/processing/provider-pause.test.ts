import { randomUUID } from 'node:crypto';
import { type LlmJobPayload, ProviderError } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { LlmJobProducer } from '@switchyard/queue';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createProviderPause } from './provider-pause';

describe('pausing a provider queue', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const producer = new LlmJobProducer(redis, prefix);
  const { pauseProvider, pausedForRetryAfter } = createProviderPause({ producer, logger: createLogger({ service: 'test', level: 'silent' }) });

  /** A job on its own provider's queue, so each test reads a pause of its own. */
  function jobOn(data: Partial<LlmJobPayload> = {}): Job<LlmJobPayload> {
    const provider = `p-${randomUUID().slice(0, 8)}`;
    return { id: 'job-1', data: { route: { publicModel: 'm', provider, model: 'm' }, ...data } } as unknown as Job<LlmJobPayload>;
  }
  const pauseLeft = (job: Job<LlmJobPayload>) => producer.queueFor(job.data.route.provider).getRateLimitTtl();

  afterAll(async () => {
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('pauses the queue for every worker and puts back a job with nowhere else to go', async () => {
    const job = jobOn({ deadline: Date.now() + 60_000 });
    expect(await pauseProvider(job, 2000.4, 'test pause')).toBe(true);
    const left = await pauseLeft(job);
    expect(left).toBeGreaterThan(1500);
    expect(left).toBeLessThanOrEqual(2001);
  });

  it('pauses the queue but sends on a job that has a fallback, or whose caller stops waiting first', async () => {
    const withFallback = jobOn({ fallbacks: [{ publicModel: 'm', provider: 'other', model: 'm' }] });
    expect(await pauseProvider(withFallback, 2000, 'test pause')).toBe(false);
    expect(await pauseLeft(withFallback)).toBeGreaterThan(0);
    const soonGone = jobOn({ deadline: Date.now() + 500 });
    expect(await pauseProvider(soonGone, 2000, 'test pause')).toBe(false);
    expect(await pauseLeft(soonGone)).toBeGreaterThan(0);
  });

  it('does not pause for a wait longer than a minute (a spent daily budget)', async () => {
    const job = jobOn();
    expect(await pauseProvider(job, 3_600_000, 'test pause')).toBe(false);
    expect(await pauseLeft(job)).toBeLessThanOrEqual(0);
  });

  it("pauses after a 429 only for as long as the provider's Retry-After says", async () => {
    const job = jobOn();
    const without = new ProviderError({ kind: 'rate_limited', provider: job.data.route.provider, message: 'slow down' });
    expect(await pausedForRetryAfter(job, without)).toBe(false);
    expect(await pauseLeft(job)).toBeLessThanOrEqual(0);
    const withRetryAfter = new ProviderError({ kind: 'rate_limited', provider: job.data.route.provider, message: 'slow down', retryAfterMs: 1000 });
    expect(await pausedForRetryAfter(job, withRetryAfter)).toBe(true);
    expect(await pauseLeft(job)).toBeGreaterThan(0);
  });
});
