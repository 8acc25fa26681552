import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ProviderBudget } from './provider-budget';

describe(ProviderBudget.name, () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const budget = new ProviderBudget(redis, prefix, (provider) =>
    provider === 'groq' ? { tokensPerMinute: 100 } : provider === 'gemini' ? { requestsPerDay: 2 } : undefined,
  );

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('lets calls through until a minute has spent its tokens, then says how long until the next minute', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 15);
    expect(await budget.take('groq', now)).toBe(0);
    await budget.spend('groq', 60, now);
    expect(await budget.take('groq', now)).toBe(0);
    await budget.spend('groq', 60, now);
    expect(await budget.take('groq', now)).toBe(45_000);
    expect(await budget.take('groq', now + 60_000)).toBe(0);
  });

  it('counts requests per UTC day and refuses the one over, without counting it', async () => {
    const now = Date.UTC(2026, 10, 23, 18, 0, 0);
    expect(await budget.take('gemini', now)).toBe(0);
    expect(await budget.take('gemini', now)).toBe(0);
    expect(await budget.take('gemini', now)).toBe(6 * 3600_000);
    expect(await budget.take('gemini', now)).toBe(6 * 3600_000);
    expect(await budget.take('gemini', now + 6 * 3600_000)).toBe(0);
  });

  it('costs nothing for a provider without budgets', async () => {
    expect(await budget.take('openai')).toBe(0);
    expect(await redis.keys(`${prefix}:budget:openai:*`)).toStrictEqual([]);
  });
});
