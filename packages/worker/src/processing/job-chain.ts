import type { LlmJobPayload, RouteAttempt, SwitchyardError } from '@switchyard/contracts';
import type { Job } from 'bullmq';

/** The id replies and usage rows use: the first job's, however far down its fallback chain the request went. */
export function chainIdOf(job: Job<LlmJobPayload>): string {
  return job.data.chainId ?? job.id ?? job.data.requestId;
}

/**
 * Runs of this job on its route: failed attempts, runs cut short by a worker
 * that died (stalled), and the one under way, unless BullMQ is failing the
 * job itself for stalling too often (then nothing runs now).
 */
export function runsOf(job: Pick<Job, 'attemptsMade' | 'stalledCounter' | 'deferredFailure'>): number {
  return job.attemptsMade + job.stalledCounter + (job.deferredFailure === undefined ? 1 : 0);
}

/** Runs of the whole request: those on the routes it already left, and this route's. */
export function totalAttempts(job: Job<LlmJobPayload>): number {
  return (job.data.tried ?? []).reduce((sum, attempt) => sum + attempt.attempts, 0) + runsOf(job);
}

/** How this route failed, as the request's `tried` list and its usage row keep it. */
export function attemptOf(job: Job<LlmJobPayload>, error: SwitchyardError): RouteAttempt {
  const upstreamStatus = error.details?.upstream_status;
  return {
    provider: job.data.route.provider,
    model: job.data.route.model,
    code: error.code,
    attempts: runsOf(job),
    ...(typeof upstreamStatus === 'number' ? { upstreamStatus } : {}),
  };
}
