import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyLimiter, toNanoUsd } from './key-limiter';

describe(KeyLimiter.name, () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const limiter = new KeyLimiter(redis, prefix);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('refuses a monthly budget once spent, whatever the day, and says when the month starts over', async () => {
    const limits = { budgetUsdPerMonth: 0.01 };
    const first = await limiter.take('k-month', limits, { tokens: 10, nanoUsd: toNanoUsd(0.004) });
    expect(first.allowed).toBe(true);
    expect(first.charge).toMatchObject({ tokens: 10, nanoUsd: 4_000_000 });
    // The request cost more than its estimate: settled, the month has spent $0.012.
    await limiter.settle('k-month', first.charge as NonNullable<typeof first.charge>, { tokens: 30, nanoUsd: toNanoUsd(0.012) });
    const refused = await limiter.take('k-month', limits, { tokens: 1, nanoUsd: 1 });
    expect(refused).toMatchObject({ allowed: false, refused: 'budget_per_month', budget: { limit: 0.01, remaining: 0 } });
    const now = new Date();
    const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(Math.abs((refused.budget?.resetMs ?? 0) - (nextMonth - Date.now()))).toBeLessThan(1000);
    // A request that runs no model is not stopped by a budget.
    expect((await limiter.take('k-month', limits)).allowed).toBe(true);
  });

  it('refuses a request by one limit without counting it against the others', async () => {
    const limits = { requestsPerMinute: 10, tokensPerMinute: 100 };
    expect((await limiter.take('k-both', limits, { tokens: 80, nanoUsd: 0 })).allowed).toBe(true);
    const refused = await limiter.take('k-both', limits, { tokens: 30, nanoUsd: 0 });
    expect(refused).toMatchObject({ allowed: false, refused: 'tokens_per_minute', tokens: { limit: 100, remaining: 20 } });
    const next = await limiter.take('k-both', limits, { tokens: 20, nanoUsd: 0 });
    expect(next).toMatchObject({ allowed: true, requests: { limit: 10, remaining: 8 }, tokens: { limit: 100, remaining: 0 } });
  });

  it('never settles a window below zero, and leaves a refund of nothing alone', async () => {
    const limits = { tokensPerMinute: 100 };
    const taken = await limiter.take('k-settle', limits, { tokens: 10, nanoUsd: 0 });
    limiter.refund({ keyId: 'k-settle', tenant: 't', charge: { ...(taken.charge as NonNullable<typeof taken.charge>), tokens: 50 } });
    // Refunds wait to go out together.
    expect((await limiter.take('k-settle', limits, { tokens: 100, nanoUsd: 0 })).allowed).toBe(false);
    await limiter.flushRefunds();
    expect((await limiter.take('k-settle', limits, { tokens: 100, nanoUsd: 0 })).allowed).toBe(true);
    limiter.refund({ keyId: 'k-settle', tenant: 't' });
    await limiter.flushRefunds();
    expect((await limiter.take('k-settle', limits, { tokens: 1, nanoUsd: 0 })).allowed).toBe(false);
  });

  it('adds use beyond the estimate to the windows running now, so spend that ends after midnight counts today', async () => {
    const limits = { budgetUsdPerDay: 0.01 };
    const yesterday = { at: Date.now() - 26 * 3600 * 1000, tokens: 0, nanoUsd: 0 };
    await limiter.settle('k-late', yesterday, { tokens: 10, nanoUsd: toNanoUsd(0.011) });
    expect(await limiter.take('k-late', limits, { tokens: 1, nanoUsd: 1 })).toMatchObject({ allowed: false, refused: 'budget_per_day' });
  });

  it('refuses at once, without counting, a request that alone needs more than the per-minute tokens', async () => {
    const limits = { requestsPerMinute: 5, tokensPerMinute: 100 };
    expect(await limiter.take('k-big', limits, { tokens: 101, nanoUsd: 0 })).toMatchObject({ allowed: false, refused: 'tokens_per_request' });
    expect(await limiter.take('k-big', limits, { tokens: 1e30, nanoUsd: 1e30 })).toMatchObject({ allowed: false, refused: 'tokens_per_request' });
    expect(await limiter.take('k-big', limits, { tokens: 100, nanoUsd: 0 })).toMatchObject({ allowed: true, requests: { remaining: 4 } });
  });

  it('keeps absurd estimates within what Redis counts exactly', async () => {
    const decision = await limiter.take('k-huge', { budgetUsdPerMonth: 1 }, { tokens: 1e30, nanoUsd: 1e30 });
    expect(decision.allowed).toBe(true);
    expect(decision.charge).toMatchObject({ tokens: 1e12, nanoUsd: 1e15 });
  });

  it('reports refunds Redis did not take, with how many, instead of dropping them silently', async () => {
    const failures: { error: unknown; refunds: number }[] = [];
    // Nothing listens on port 1: every command fails at once.
    const unreachable = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    unreachable.on('error', () => undefined);
    const offline = new KeyLimiter(unreachable, prefix, (error, refunds) => failures.push({ error, refunds }));
    const charge = { tokens: 10, nanoUsd: 0, at: Date.now() };
    offline.refund({ keyId: 'k-refund', tenant: 't', charge });
    offline.refund({ keyId: 'k-refund-2', tenant: 't', charge });
    await offline.flushRefunds();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.refunds).toBe(2);
    expect(failures[0]?.error).toBeInstanceOf(Error);
    unreachable.disconnect();
  });
});
