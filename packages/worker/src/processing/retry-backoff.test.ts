import { type LlmJobPayload, ProviderError } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { isFinalAttempt, retryCeiling, retryDelay } from './retry-backoff';

const serverError = () => new ProviderError({ kind: 'server', provider: 'p', message: 'upstream 500' });
const limited = (retryAfterMs?: number) => new ProviderError({ kind: 'rate_limited', provider: 'p', message: 'slow down', retryAfterMs });

/** A job on its route after `attemptsMade` failed attempts out of `attempts`, its caller waiting until `deadline`. */
function jobAfter(attemptsMade: number, attempts: number | undefined, deadline?: number): Job<LlmJobPayload> {
  return { attemptsMade, opts: attempts === undefined ? {} : { attempts }, data: { deadline } } as unknown as Job<LlmJobPayload>;
}

describe('retryCeiling', () => {
  it.each([
    [0, 500],
    [1, 500],
    [2, 1000],
    [3, 2000],
    [7, 30_000],
    [40, 30_000],
  ])('after %i attempts the longest wait is %i ms', (attempts, ceiling) => {
    expect(retryCeiling(attempts)).toBe(ceiling);
  });
});

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
    for (let i = 0; i < 50; i++) expect(retryDelay(1, 'switchyard', limited(3000))).toBe(3000);
  });

  it('rounds a fractional Retry-After up to whole milliseconds', () => {
    expect(retryDelay(1, 'switchyard', limited(2500.2))).toBe(2501);
  });

  it('ignores a Retry-After on an error that is not one of ours', () => {
    const foreign = Object.assign(new Error('boom'), { retryAfterMs: 60_000 });
    for (let i = 0; i < 50; i++) expect(retryDelay(1, 'switchyard', foreign)).toBeLessThanOrEqual(500);
  });
});

describe('isFinalAttempt', () => {
  it('gives up at once on an error no retry would fix', () => {
    const refused = new ProviderError({ kind: 'bad_request', provider: 'p', message: 'bad' });
    expect(isFinalAttempt(jobAfter(0, 5), refused)).toBe(true);
  });

  it.each([
    [0, undefined, true],
    [0, 3, false],
    [1, 3, false],
    [2, 3, true],
  ])('after %i failed attempts out of %s, a retryable failure is final: %s', (attemptsMade, attempts, final) => {
    expect(isFinalAttempt(jobAfter(attemptsMade, attempts), serverError())).toBe(final);
  });

  it('gives up when the retry might only start after the caller stops waiting', () => {
    // The next wait may be up to 500 ms; a caller gone in 200 ms would never see the retry.
    expect(isFinalAttempt(jobAfter(0, 3, Date.now() + 200), serverError())).toBe(true);
    expect(isFinalAttempt(jobAfter(0, 3, Date.now() + 10_000), serverError())).toBe(false);
  });

  it("counts the provider's Retry-After against the caller's wait", () => {
    expect(isFinalAttempt(jobAfter(0, 3, Date.now() + 10_000), limited(20_000))).toBe(true);
    expect(isFinalAttempt(jobAfter(0, 3, Date.now() + 10_000), limited(2_000))).toBe(false);
  });
});
