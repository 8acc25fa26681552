import { type LlmJobPayload, SwitchyardError } from '@switchyard/contracts';
import type { Job } from 'bullmq';

const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 30_000;

/** The longest wait before the retry that follows this many attempts: base·2ⁿ⁻¹, capped. */
export function retryCeiling(attemptsMade: number): number {
  return Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
}

/**
 * BullMQ's backoff between attempts on one route: exponential with full
 * jitter (a random delay up to `retryCeiling`), and never sooner than the
 * provider's Retry-After.
 */
export function retryDelay(attemptsMade: number, _type?: string, error?: Error): number {
  const ceiling = retryCeiling(attemptsMade);
  const retryAfterMs = SwitchyardError.isInstance(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(Math.round(Math.random() * ceiling), Math.ceil(retryAfterMs));
}

/**
 * Whether this failure ends the job's tries on its route: the error is not
 * worth retrying, the attempts are used up, or the retry might only start
 * after the caller stops waiting.
 */
export function isFinalAttempt(job: Job<LlmJobPayload>, error: SwitchyardError): boolean {
  if (!error.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return true;
  // A retry that might only start after the caller stops waiting is no retry: move on instead.
  const deadline = job.data.deadline;
  return deadline !== undefined && Date.now() + Math.max(error.retryAfterMs ?? 0, retryCeiling(job.attemptsMade + 1)) >= deadline;
}
