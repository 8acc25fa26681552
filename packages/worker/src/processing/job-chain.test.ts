import { type LlmJobPayload, ProviderError } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { attemptOf, chainIdOf, runsOf, totalAttempts } from './job-chain';

const route = { publicModel: 'smart', provider: 'alpha', model: 'alpha-large' };

function jobOf(data: Partial<LlmJobPayload>, runs: Partial<Pick<Job, 'attemptsMade' | 'stalledCounter' | 'deferredFailure'>> = {}): Job<LlmJobPayload> {
  return { id: 'job-1', data: { requestId: 'req-1', route, ...data }, attemptsMade: 0, stalledCounter: 0, ...runs } as unknown as Job<LlmJobPayload>;
}

describe('chainIdOf', () => {
  it("names a request by its first job's id, however far down the chain it went", () => {
    expect(chainIdOf(jobOf({}))).toBe('job-1');
    expect(chainIdOf(jobOf({ chainId: 'first-job' }))).toBe('first-job');
  });
});

describe('runsOf', () => {
  it.each([
    ['the first run', {}, 1],
    ['a retry after two failures', { attemptsMade: 2 }, 3],
    ['a run after its worker died once', { stalledCounter: 1 }, 2],
    ['a job BullMQ fails for stalling too often (nothing runs now)', { stalledCounter: 2, deferredFailure: 'job stalled more than allowable limit' }, 2],
  ])('counts %s as %i', (_, runs, expected) => {
    expect(runsOf(jobOf({}, runs))).toBe(expected);
  });
});

describe('totalAttempts', () => {
  it('adds the runs on the routes the request already left to those on this one', () => {
    const tried = [
      { provider: 'beta', model: 'beta-large', code: 'upstream_error', attempts: 3 },
      { provider: 'gamma', model: 'gamma-large', code: 'circuit_open', attempts: 1 },
    ];
    expect(totalAttempts(jobOf({ tried }, { attemptsMade: 1 }))).toBe(6);
  });
});

describe('attemptOf', () => {
  it("keeps the route, the error's code, the runs and the upstream's status", () => {
    const error = new ProviderError({ kind: 'overloaded', provider: 'alpha', message: 'busy', upstreamStatus: 503 });
    expect(attemptOf(jobOf({}, { attemptsMade: 1 }), error)).toStrictEqual({
      provider: 'alpha',
      model: 'alpha-large',
      code: 'upstream_overloaded',
      attempts: 2,
      upstreamStatus: 503,
    });
  });

  it('leaves the status out when no upstream answered', () => {
    const error = new ProviderError({ kind: 'timeout', provider: 'alpha', message: 'no answer' });
    expect(attemptOf(jobOf({}), error)).toStrictEqual({ provider: 'alpha', model: 'alpha-large', code: 'upstream_timeout', attempts: 1 });
  });
});
