import { type LlmJobPayload, ProviderError, ProviderErrorKind, type SwitchyardError } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';

const MAX_QUEUE_PAUSE_MS = 60_000;

export function isRateLimited(error: SwitchyardError): boolean {
  return error instanceof ProviderError && error.kind === ProviderErrorKind.RateLimited;
}

export interface ProviderPause {
  /**
   * Pauses the provider's queue for every worker (a whole number of ms, as
   * Redis wants). True when the job should be put back to wait: the pause
   * ends while its caller still waits and it has no fallback to go to instead.
   */
  pauseProvider(job: Job<LlmJobPayload>, pauseMs: number, reason: string): Promise<boolean>;
  /**
   * A 429 with Retry-After pauses the provider's whole queue (every worker)
   * for that long; the job goes back to wait without spending an attempt.
   * Only while the caller will still be waiting when the pause ends.
   */
  pausedForRetryAfter(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<boolean>;
}

export function createProviderPause({ producer, logger }: Pick<LlmJobProcessorDeps, 'producer' | 'logger'>): ProviderPause {
  async function pausedForRetryAfter(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<boolean> {
    if (!(error instanceof ProviderError) || error.kind !== ProviderErrorKind.RateLimited || error.retryAfterMs === undefined) return false;
    return pauseProvider(job, error.retryAfterMs, 'provider queue paused after a 429');
  }

  async function pauseProvider(job: Job<LlmJobPayload>, pauseMs: number, reason: string): Promise<boolean> {
    const ms = Math.ceil(pauseMs);
    // A long wait (a day's budget) is not a pause: jobs keep flowing and are answered or sent on at once.
    if (ms <= 0 || ms > MAX_QUEUE_PAUSE_MS) return false;
    await producer.queueFor(job.data.route.provider).rateLimit(ms);
    logger.warn({ provider: job.data.route.provider, pauseMs: ms }, reason);
    const deadline = job.data.deadline;
    const hasFallback = (job.data.fallbacks?.length ?? 0) > 0;
    return !hasFallback && (deadline === undefined || Date.now() + ms < deadline);
  }

  return { pauseProvider, pausedForRetryAfter };
}
