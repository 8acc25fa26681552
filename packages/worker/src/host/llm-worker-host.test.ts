import { ProviderError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { retryDelay } from './llm-worker-host';

describe('retryDelay', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [4, 4000],
    [12, 30_000],
  ])('after %i attempts waits a random time up to %i ms (full jitter, capped)', (attempts, ceiling) => {
    const delays = Array.from({ length: 200 }, () => retryDelay(attempts));
    expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it("never retries before the provider's Retry-After", () => {
    const limited = new ProviderError({ kind: 'rate_limited', provider: 'p', message: 'slow down', retryAfterMs: 3000 });
    for (let i = 0; i < 50; i++) expect(retryDelay(1, 'switchyard', limited)).toBe(3000);
  });
});
