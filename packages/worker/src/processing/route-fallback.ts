import { AllProvidersFailedError, ErrorCode, type LlmJobPayload, type LlmJobResult, SwitchyardError } from '@switchyard/contracts';
import { type Job, UnrecoverableError } from 'bullmq';
import { attemptOf, chainIdOf, runsOf } from './job-chain';
import { emptyCompletion, jobTimings } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import { isRateLimited } from './provider-pause';
import { isFinalAttempt } from './retry-backoff';
import type { StructuredSpent } from './structured-spent';

type Route = LlmJobPayload['route'];

/**
 * Failures that are the caller's request, not the provider: another provider would refuse it too.
 * `invalid_request` from a worker is a response_format schema it cannot compile (a producer that skipped the gateway's check).
 */
const NOT_WORTH_A_FALLBACK = new Set<string>([
  ErrorCode.UpstreamBadRequest,
  ErrorCode.UpstreamContentFiltered,
  ErrorCode.JobExpired,
  ErrorCode.InvalidJob,
  ErrorCode.InvalidRequest,
]);

/**
 * Failures worth a fallback that still reach the caller as themselves when
 * every route failed: each provider answered, just never in the requested
 * shape, and the caller needs the validation errors more than a 502.
 */
const ANSWERED_AS_ITSELF = new Set<string>([ErrorCode.StructuredOutputInvalid]);

/** The error the caller gets when the chain ends with `error`, having tried `tried` (this route included). */
function finalError(error: SwitchyardError, tried: LlmJobPayload['tried']): SwitchyardError {
  const earlier = tried ?? [];
  if (earlier.length <= 1 || NOT_WORTH_A_FALLBACK.has(error.code)) return error;
  if (!ANSWERED_AS_ITSELF.has(error.code)) return new AllProvidersFailedError(earlier, error);
  return new SwitchyardError(error.code, error.message, { param: error.param, details: { ...error.details, providers_tried: earlier } });
}

/**
 * The route a failing job's request goes on to, with those left after it;
 * undefined when it stays (a retry here comes first) or ends here (no route
 * left, a failure no other provider would avoid, a caller no longer waiting).
 * `skipped`: the route was never called (circuit open, backend down, budget
 * spent), which is no attempt worth repeating on it.
 */
export function fallbackChoice(job: Job<LlmJobPayload>, error: SwitchyardError, skipped = false): { next: Route; rest: Route[] } | undefined {
  const payload = job.data;
  const [next, ...rest] = payload.fallbacks ?? [];
  const waiting = payload.deadline === undefined || Date.now() < payload.deadline;
  // An open circuit is not an attempt worth repeating on the same route: it goes straight on.
  // Nor is a rate-limited one when another route can answer now instead of after the limit.
  const final = skipped || isRateLimited(error) || isFinalAttempt(job, error);
  if (next === undefined || !final || NOT_WORTH_A_FALLBACK.has(error.code) || !waiting) return undefined;
  return { next, rest };
}

export interface RouteFallback {
  /** Throws the error for BullMQ to retry the job; on its final attempt, answers the failure and fails the job for good. */
  fail(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number, spent?: StructuredSpent): never;
  /**
   * Leaves the route for good: hands the request to the next route of its
   * chain when there is one worth trying, otherwise answers the failure.
   */
  leaveRoute(
    job: Job<LlmJobPayload>,
    error: SwitchyardError,
    startedAt: number,
    upstreamMs?: number,
    skipped?: boolean,
    spent?: StructuredSpent,
  ): Promise<LlmJobResult>;
}

export function createRouteFallback({ producer, logger }: Pick<LlmJobProcessorDeps, 'producer' | 'logger'>, recorder: OutcomeRecorder): RouteFallback {
  function fail(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number, spent?: StructuredSpent): never {
    if (!isFinalAttempt(job, error)) throw error;
    // A request the provider refused as such is the caller's to fix: its own error says how.
    const final = finalError(error, [...(job.data.tried ?? []), attemptOf(job, error)]);
    // The serialized error is kept as the failed reason so a later lookup can rebuild it.
    throw new UnrecoverableError(JSON.stringify(recorder.answerFailure(job, final, startedAt, upstreamMs, spent)));
  }

  async function leaveRoute(
    job: Job<LlmJobPayload>,
    error: SwitchyardError,
    startedAt: number,
    upstreamMs?: number,
    skipped = false,
    spent?: StructuredSpent,
  ): Promise<LlmJobResult> {
    const payload = job.data;
    const choice = fallbackChoice(job, error, skipped);
    if (choice === undefined) fail(job, error, startedAt, upstreamMs, spent);
    const { next, rest } = choice;
    const chainId = chainIdOf(job);
    const tried = [...(payload.tried ?? []), attemptOf(job, error)];
    const nextJobId = `${chainId}-${tried.length}`;
    // The next job keeps the first one's priority and, for an async job, its retention.
    const keep = job.opts.removeOnComplete;
    const retainMs = typeof keep === 'object' && 'age' in keep && keep.age !== undefined && keep.count === undefined ? keep.age * 1000 : undefined;
    await producer.enqueue(
      { ...payload, route: next, fallbacks: rest, tried, chainId },
      {
        jobId: nextJobId,
        attempts: job.opts.attempts ?? 1,
        ...(job.opts.priority ? { priority: job.opts.priority } : {}),
        ...(retainMs === undefined ? {} : { retainMs }),
      },
    );
    logger.info({ jobId: chainId, from: payload.route.provider, to: next.provider, code: error.code }, 'falling back');
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model: payload.route.model,
      forwardedTo: { provider: next.provider, jobId: nextJobId },
      response: emptyCompletion(nextJobId, payload.route.model, Date.now()),
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      timings: jobTimings(payload, startedAt, upstreamMs ?? 0, Date.now()),
      attempts: runsOf(job),
    };
  }

  return { fail, leaveRoute };
}
