import type { ChatCompletion, LlmJobPayload, LlmJobResult } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import type { CallFailure } from './call-failure';
import type { JobCancellation } from './job-cancellation';
import { chainIdOf } from './job-chain';
import { SAFE_MODEL } from './job-result';
import type { StructuredResult } from './structured-call';

/** What a route's calls came to: an answer, or a structured answer that never complied. */
export type CallAnswer = StructuredResult | { ok: true; completion: ChatCompletion; usage?: undefined; outcome?: undefined };

/** The answer and when its calls began; or, when there is none, what the job ended as. */
export type Settled<T extends CallAnswer> = { ok: true; answer: Extract<T, { ok: true }>; callStarted: number } | { ok: false; result: LlmJobResult };

/**
 * Runs a route's provider calls under the job's cancellation. A cancel ends
 * the job as cancelled; a throw, or a structured answer that never complied
 * (its spent tokens kept for the usage row), goes to `callFailed`: retry,
 * pause, fallback or the final answer.
 */
export type SettledCall = <T extends CallAnswer>(
  job: Job<LlmJobPayload>,
  startedAt: number,
  signal: AbortSignal | undefined,
  calls: (signal: AbortSignal) => Promise<T>,
) => Promise<Settled<T>>;

export function createSettledCall({ cancellation, failure }: { cancellation: JobCancellation; failure: CallFailure }): SettledCall {
  return async <T extends CallAnswer>(
    job: Job<LlmJobPayload>,
    startedAt: number,
    signal: AbortSignal | undefined,
    calls: (signal: AbortSignal) => Promise<T>,
  ): Promise<Settled<T>> => {
    const callStarted = performance.now();
    const cancel = cancellation.cancellable(job.data, chainIdOf(job), signal);
    let answer: T | undefined;
    let thrown: unknown;
    try {
      answer = await calls(cancel.signal);
    } catch (error) {
      if (cancel.cancelled()) return { ok: false, result: cancellation.cancelledJob(job, startedAt, performance.now() - callStarted) };
      thrown = error;
    } finally {
      cancel.release();
    }
    // Outside the try: what the failure path throws (a retry, the final answer) must not be caught as a call failure.
    if (answer === undefined) return { ok: false, result: await failure.callFailed(job, thrown, startedAt, callStarted) };
    if (!answer.ok) return { ok: false, result: await failure.callFailed(job, answer.error, startedAt, callStarted, answer) };
    return { ok: true, answer: answer as Extract<T, { ok: true }>, callStarted };
  };
}

/** The model the provider says answered, when it is safe to pass on; else the route's. */
export function answeredModel(completion: ChatCompletion, payload: LlmJobPayload): string {
  return typeof completion.model === 'string' && SAFE_MODEL.test(completion.model) ? completion.model : payload.route.model;
}
