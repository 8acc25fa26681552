import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, GEN_AI_OPERATION_NAME_VALUE_CHAT } from '@opentelemetry/semantic-conventions/incubating';
import {
  CircuitOpenError,
  ErrorCode,
  InternalError,
  JobExpiredError,
  JobStalledError,
  type LlmJobPayload,
  type LlmJobResult,
  llmJobPayloadSchema,
  ProviderError,
  ProviderErrorKind,
  ServiceUnavailableError,
  SwitchyardError,
  serializeError,
} from '@switchyard/contracts';
import {
  ATTR_SWITCHYARD_JOB_ID,
  ATTR_SWITCHYARD_QUEUE_NAME,
  ATTR_SWITCHYARD_QUEUE_WAIT_MS,
  ATTR_SWITCHYARD_REQUEST_QUEUED_MS,
  type Attributes,
  recordSpanFromCarrier,
  withSpanFromCarrier,
} from '@switchyard/observability';
import { QUEUED_LONG_MS } from '@switchyard/queue';
import type { PreparedTurn } from '@switchyard/sessions';
import { type Job, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import { createCallFailure } from './call-failure';
import { createJobCancellation, waitingGateway } from './job-cancellation';
import { chainIdOf, runsOf } from './job-chain';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import { createOutcomeRecorder } from './outcome-recording';
import { createPlainCall } from './plain-call';
import { createProviderPause } from './provider-pause';
import { createRouteFallback, type RouteFallback } from './route-fallback';
import { createSessionTurnAnswer } from './session-turn-answer';
import { createSettledCall } from './settled-call';
import { createStreamedCall } from './streamed-call';
import { createStructuredCall } from './structured-call';
import { createStructuredStreamedCall } from './structured-streamed-call';
import { tracedAdapter } from './traced-adapter';
import { namedOnly, type UpstreamIdentity, upstreamAttributes } from './upstream-identity';

export type { LlmJobProcessorDeps } from './llm-job-processor-deps';

export interface LlmJobHandlers {
  process(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult>;
  /** For BullMQ's `failed` event: answers jobs that BullMQ failed without running them. */
  onFailed(job: Job<LlmJobPayload> | undefined): void;
}

function spanAttributes(payload: LlmJobPayload, upstream: UpstreamIdentity, jobId: string, startedAt: number): Attributes {
  return {
    ...upstreamAttributes(upstream),
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_REQUEST_MODEL]: payload.route.model,
    [ATTR_SWITCHYARD_JOB_ID]: jobId,
    [ATTR_SWITCHYARD_REQUEST_QUEUED_MS]: Math.max(0, startedAt - payload.enqueuedAt),
  };
}

/**
 * The job's wait in its queue as a span of its own, a sibling of the job's span
 * that ends where the job's begins: from the job's enqueue on this queue (a
 * fallback's own, not its request's first) to this worker taking it. Only the
 * first run: a retry's wait is its backoff, not the queue's.
 */
function recordQueueWait(job: Job<LlmJobPayload>, payload: LlmJobPayload, jobId: string, startedAt: number): void {
  if (job.attemptsMade > 0 || job.stalledCounter > 0) return;
  const enqueuedAt = job.timestamp > 0 ? job.timestamp : payload.enqueuedAt;
  // As operators know the queue: `llm:<provider>` (BullMQ names it after the provider under the `<prefix>:llm` key prefix).
  const queue = `llm:${job.queueName}`;
  recordSpanFromCarrier(`queue wait ${queue}`, payload.trace, enqueuedAt, Math.max(enqueuedAt, startedAt), () => ({
    [ATTR_SWITCHYARD_QUEUE_NAME]: queue,
    [ATTR_SWITCHYARD_QUEUE_WAIT_MS]: Math.max(0, startedAt - enqueuedAt),
    [ATTR_SWITCHYARD_JOB_ID]: jobId,
  }));
}

/**
 * Runs LLM jobs: refuse one whose caller has given up, call the provider,
 * answer the waiting caller first, then hand the usage row to the batch
 * writer. The answer is published before BullMQ marks the job done, so the
 * caller never waits on queue bookkeeping.
 */
export function createLlmJobHandlers(deps: LlmJobProcessorDeps): LlmJobHandlers {
  const { adapters, circuits, budget, health, cancellations, callers, logger } = deps;
  const recorder = createOutcomeRecorder(deps);
  const pause = createProviderPause(deps);
  // Typed here so that `fallback.fail(...)`, which never returns, narrows what follows it.
  const fallback: RouteFallback = createRouteFallback(deps, recorder);
  const cancellation = createJobCancellation(deps, recorder);
  const failure = createCallFailure(deps, pause, fallback);
  const structured = createStructuredCall(deps, recorder);
  const settle = createSettledCall({ cancellation, failure });
  const plainCall = createPlainCall(deps, { recorder, settle, structured });
  const streamedCall = createStreamedCall(deps, { recorder, cancellation, failure });
  const structuredStreamedCall = createStructuredStreamedCall(deps, { recorder, settle, structured });
  const sessionTurnAnswered = createSessionTurnAnswer(recorder, deps.publisher);

  /** A job, however it ends, hands BullMQ its outcome only after its usage row is kept. */
  async function processGuarded(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult> {
    try {
      return await processCaught(job, token, signal);
    } finally {
      // The caller may have its answer already; the job ends (completed or failed in BullMQ) only once its row is kept.
      await deps.usage.kept?.();
    }
  }

  /**
   * Anything unplanned (Redis gone mid-job, a bug) still ends in an answer
   * and a row on the last attempt, instead of a job that fails in silence.
   */
  async function processCaught(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult> {
    const startedAt = Date.now();
    try {
      return await processJob(job, token, signal);
    } catch (error) {
      if (error instanceof UnrecoverableError || error instanceof RateLimitError || SwitchyardError.isInstance(error)) throw error;
      if (!llmJobPayloadSchema.safeParse(job.data).success) throw error;
      logger.error({ err: error, jobId: job.id }, 'job failed unexpectedly');
      fallback.fail(job, new ServiceUnavailableError('The job could not be completed; try again.', { cause: error }), startedAt);
    }
  }

  async function processJob(job: Job<LlmJobPayload>, _token?: string, signal?: AbortSignal): Promise<LlmJobResult> {
    const startedAt = Date.now();
    const jobId = job.id ?? 'unknown';
    const parsed = llmJobPayloadSchema.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      logger.error({ jobId, path: issue?.path.join('.'), problem: issue?.message }, 'job payload refused');
      const error = new SwitchyardError(ErrorCode.InvalidJob, `Job ${jobId} has an invalid payload at '${issue?.path.join('.') ?? ''}'.`);
      throw new UnrecoverableError(JSON.stringify(serializeError(error)));
    }
    let payload = parsed.data;
    recordQueueWait(job, payload, jobId, startedAt);
    if (payload.deadline !== undefined && startedAt > payload.deadline) fallback.fail(job, new JobExpiredError(jobId), startedAt);
    // A retry or a fallback of a job cancelled meanwhile, or a cancel this worker did not hear: never called.
    if (cancellations !== undefined && (await cancellations.wasCancelled(chainIdOf(job), payload.batch?.id)))
      return cancellation.cancelledJob(job, startedAt, 0);
    // A job that waited long in its queue may have outlived its caller's gateway: then it is not run.
    const gateway = waitingGateway(payload);
    if (gateway !== undefined && callers !== undefined && startedAt - payload.enqueuedAt > QUEUED_LONG_MS && (await callers.confirmGone(gateway))) {
      return cancellation.cancelledJob(job, startedAt, 0);
    }

    if (payload.session !== undefined && payload.session.windowed === undefined && deps.sessions !== undefined) {
      // Before any route decision: a fallback job is made from this payload, so the next route sees the same window.
      let prepared: PreparedTurn;
      try {
        prepared = await deps.sessions.prepare(payload, runsOf(job) > 1);
      } catch (error) {
        if (SwitchyardError.isInstance(error)) fallback.fail(job, error, startedAt);
        throw error;
      }
      if (prepared.kind === 'answered') return sessionTurnAnswered(job, prepared.turn, startedAt);
      payload = prepared.payload;
      job.data = payload;
    }

    const found = adapters.get(payload.route.provider);
    if (found === undefined) {
      fallback.fail(job, new InternalError(`no adapter for provider '${payload.route.provider}' in this worker`), startedAt);
    }

    const { provider, model: upstreamModel } = payload.route;
    if (health?.isDown(provider) === true) {
      const down = new ProviderError({ kind: ProviderErrorKind.Overloaded, provider, message: 'the server is not ready (its health check fails)' });
      return fallback.leaveRoute(job, down, startedAt, undefined, true);
    }
    if (circuits !== undefined && (await circuits.state(provider, upstreamModel)) === 'open') {
      return fallback.leaveRoute(job, new CircuitOpenError(provider, upstreamModel), startedAt, undefined, true);
    }

    if (budget !== undefined) {
      const waitMs = await budget.take(provider);
      if (waitMs > 0) {
        // Over budget: every worker stops taking this provider's jobs until it renews. This job
        // waits for that only if nothing else can serve it in time; otherwise it moves on.
        if (await pause.pauseProvider(job, waitMs, 'provider budget spent; queue paused')) throw Worker.RateLimitError();
        const spent = new ProviderError({ kind: ProviderErrorKind.RateLimited, provider, message: 'request budget spent', retryAfterMs: waitMs });
        return fallback.leaveRoute(job, spent, startedAt, undefined, true);
      }
    }

    const upstream = deps.upstreams?.get(provider) ?? namedOnly(provider);
    const adapter = tracedAdapter(found, upstream, deps.providerCalls);
    if (payload.request.stream === true) {
      const plan = structured.planOf(payload);
      return withSpanFromCarrier(
        'chat.completion.stream',
        payload.trace,
        () => spanAttributes(payload, upstream, jobId, startedAt),
        () => (plan === undefined ? streamedCall(job, adapter, startedAt, signal) : structuredStreamedCall(job, adapter, startedAt, plan, signal)),
      );
    }
    return withSpanFromCarrier(
      'chat.completion',
      payload.trace,
      () => spanAttributes(payload, upstream, jobId, startedAt),
      () => plainCall(job, payload, adapter, startedAt, signal),
    );
  }

  function onFailed(job: Job<LlmJobPayload> | undefined): void {
    // Only jobs BullMQ failed itself: a job whose workers kept dying carries a deferred failure
    // and is failed without reaching `process`, so nobody has answered its caller yet.
    if (job?.deferredFailure === undefined || !llmJobPayloadSchema.safeParse(job.data).success) return;
    recorder.answerFailure(job, new JobStalledError(chainIdOf(job)), job.processedOn ?? Date.now());
  }

  return { process: processGuarded, onFailed };
}
