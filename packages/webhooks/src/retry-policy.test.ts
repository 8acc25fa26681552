import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_DELAYS_MS, nextRetryDelay } from './retry-policy';

const DAY = 24 * 3600 * 1000;

describe('nextRetryDelay', () => {
  const schedule = { delaysMs: DEFAULT_RETRY_DELAYS_MS, maxAgeMs: DAY };

  it('follows the schedule, spread by at most ±20%', () => {
    const now = Date.now();
    for (const [index, base] of DEFAULT_RETRY_DELAYS_MS.entries()) {
      const delays = Array.from({ length: 100 }, () => nextRetryDelay(schedule, { attemptsMade: index + 1, createdAt: now, now }) as number);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(base * 0.8);
      expect(Math.max(...delays)).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it('gives up once the schedule is spent or the next try would pass the maximum age', () => {
    const now = Date.now();
    expect(nextRetryDelay(schedule, { attemptsMade: DEFAULT_RETRY_DELAYS_MS.length + 1, createdAt: now, now })).toBeUndefined();
    expect(nextRetryDelay(schedule, { attemptsMade: 6, createdAt: now - 20 * 3600 * 1000, now })).toBeUndefined();
  });

  it('never retries sooner than Retry-After, and not past the maximum age for it either', () => {
    const now = Date.now();
    expect(nextRetryDelay(schedule, { attemptsMade: 1, createdAt: now, now, retryAfterMs: 60_000 })).toBe(60_000);
    expect(nextRetryDelay(schedule, { attemptsMade: 1, createdAt: now, now, retryAfterMs: 2 * DAY })).toBeUndefined();
  });
});
