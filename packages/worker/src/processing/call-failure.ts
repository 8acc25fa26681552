import { InternalError, type LlmJobPayload, type LlmJobResult, ProviderError, ProviderErrorKind, SwitchyardError } from '@switchyard/contracts';
import { type Job, Worker } from 'bullmq';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import { isRateLimited, type ProviderPause } from './provider-pause';
import type { RouteFallback } from './route-fallback';
import type { StructuredSpent } from './structured-spent';

/** Failures that say a route is unhealthy (as opposed to busy, misconfigured or given a bad request). */
const UNHEALTHY = new Set<string>([ProviderErrorKind.Server, ProviderErrorKind.Timeout, ProviderErrorKind.Overloaded, ProviderErrorKind.Malformed]);

export interface CallFailure {
  /**
   * A provider call that failed before anything reached the caller: retries, pauses, circuit counts and fallbacks.
   * `spent`: what the calls for a structured answer that never complied used, for the usage row if this route is the last.
   */
  callFailed(job: Job<LlmJobPayload>, error: unknown, startedAt: number, callStarted: number, spent?: StructuredSpent): Promise<LlmJobResult>;
  /** Counts the failure against the route's circuit when it says the route is unhealthy. */
  countIfUnhealthy(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<void>;
}

export function createCallFailure(
  { circuits, logger }: Pick<LlmJobProcessorDeps, 'circuits' | 'logger'>,
  pause: ProviderPause,
  fallback: RouteFallback,
): CallFailure {
  async function callFailed(job: Job<LlmJobPayload>, error: unknown, startedAt: number, callStarted: number, spent?: StructuredSpent): Promise<LlmJobResult> {
    const known = SwitchyardError.isInstance(error) ? error : new InternalError(undefined, { cause: error });
    if (isRateLimited(known) && (job.data.fallbacks?.length ?? 0) > 0) {
      // The pause holds this provider's other jobs; the request itself goes on to its fallback without waiting for it.
      pause
        .pausedForRetryAfter(job, known)
        .catch((cause: unknown) => logger.warn({ err: cause, provider: job.data.route.provider }, 'provider queue not paused'));
      return fallback.leaveRoute(job, known, startedAt, performance.now() - callStarted);
    }
    if (await pause.pausedForRetryAfter(job, known)) throw Worker.RateLimitError();
    await countIfUnhealthy(job, known);
    return fallback.leaveRoute(job, known, startedAt, performance.now() - callStarted, false, spent);
  }

  async function countIfUnhealthy(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<void> {
    if (circuits === undefined || !(error instanceof ProviderError) || !UNHEALTHY.has(error.kind)) return;
    const { provider, model } = job.data.route;
    await circuits.recordFailure(provider, model).catch((cause: unknown) => logger.warn({ err: cause }, 'circuit state not updated'));
  }

  return { callFailed, countIfUnhealthy };
}
