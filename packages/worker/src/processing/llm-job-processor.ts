import {
  AllProvidersFailedError,
  type ChatCompletion,
  type ChatCompletionChunk,
  CircuitOpenError,
  type CompletionUsage,
  StreamInterruptedError,
  toHttpError,
  ProviderError,
  ProviderErrorKind,
  ErrorCode,
  InternalError,
  JobExpiredError,
  JobStalledError,
  type LlmJobPayload,
  type LlmJobResult,
  llmJobPayloadSchema,
  type RouteAttempt,
  ServiceUnavailableError,
  type SerializedError,
  serializeError,
  SwitchyardError,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import { withSpanFromCarrier } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import { costUsd, countPromptTokens, type Price } from '@switchyard/tokens';
import type { LlmRequestRecord, UsageSink } from '@switchyard/database';
import { type Job, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobFacts } from '@switchyard/async-jobs';
import type { BackendHealth } from '../provider-health/backend-health';
import type { BatchRunner } from '@switchyard/async-jobs';
import { buildUsageRecord } from '@switchyard/database';
import { asyncJobView, jobEndedEvent } from '@switchyard/async-jobs';
import type { WebhookSink } from '@switchyard/async-jobs';
import type { JobCancellations } from '@switchyard/queue';
import { type KeyLimiter, toNanoUsd } from '@switchyard/admission';
import { SSE_DONE, sseEvent, StreamPublisher } from '@switchyard/queue';
import type { CircuitBreaker } from '../provider-health/circuit-breaker';
import { type CallerPresence, QUEUED_LONG_MS } from '@switchyard/queue';
import type { LlmJobProducer } from '@switchyard/queue';
import { retryCeiling } from '../host/llm-worker-host';
import type { ProviderBudget } from '../provider-health/provider-budget';
import { encodeReply } from '@switchyard/queue';

export interface LlmJobProcessorDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  usage: UsageSink;
  /** Connection used to PUBLISH replies; never a subscriber or blocking one. */
  publisher: Redis;
  /** Puts a request on its next route's queue when the current one fails for good. */
  producer: LlmJobProducer;
  /** Shared per provider+model health; an open circuit sends the job on to its fallback without a call. */
  circuits?: CircuitBreaker;
  /** Tokens-per-minute and requests-per-day budgets; an exhausted one pauses the provider's queue. */
  budget?: ProviderBudget;
  /** Cancels from gateways: a streaming caller gone, an async job deleted. */
  cancellations?: JobCancellations;
  /** Whether a waiting caller's gateway is still there: a job whose gateway died is cancelled. */
  callers?: CallerPresence;
  /** Async jobs with a webhook report how they ended through it. */
  webhooks?: WebhookSink;
  /** Batch lines report their outcome to their batch. */
  batches?: Pick<BatchRunner, 'lineEnded'>;
  /** Backends whose health check fails; their jobs go on to the fallback without a call. */
  health?: Pick<BackendHealth, 'isDown'>;
  /** Keys charged an estimate up front are settled with each job's real usage. */
  keyLimits?: Pick<KeyLimiter, 'settle'>;
  /** The route's price, for the cost on its usage rows; without it (or a price) the cost is left null. */
  priceOf?: (route: LlmJobPayload['route']) => Price | undefined;
  logger: Logger;
}

export interface LlmJobHandlers {
  process(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult>;
  /** For BullMQ's `failed` event: answers jobs that BullMQ failed without running them. */
  onFailed(job: Job<LlmJobPayload> | undefined): void;
}

const MAX_QUEUE_PAUSE_MS = 60_000;

/** Safe for a header and for the line-based reply: printable ASCII only. */
const SAFE_MODEL = /^[\x20-\x7e]{1,256}$/;

/** Failures that say a route is unhealthy (as opposed to busy, misconfigured or given a bad request). */
const UNHEALTHY = new Set<string>([ProviderErrorKind.Server, ProviderErrorKind.Timeout, ProviderErrorKind.Overloaded, ProviderErrorKind.Malformed]);

/** Failures that are the caller's request, not the provider: another provider would refuse it too. */
const NOT_WORTH_A_FALLBACK = new Set<string>([ErrorCode.UpstreamBadRequest, ErrorCode.UpstreamContentFiltered, ErrorCode.JobExpired, ErrorCode.InvalidJob]);

/**
 * Runs of this job on its route: failed attempts, runs cut short by a worker
 * that died (stalled), and the one under way, unless BullMQ is failing the
 * job itself for stalling too often (then nothing runs now).
 */
function runsOf(job: Pick<Job, 'attemptsMade' | 'stalledCounter' | 'deferredFailure'>): number {
  return job.attemptsMade + job.stalledCounter + (job.deferredFailure === undefined ? 1 : 0);
}

function isRateLimited(error: SwitchyardError): boolean {
  return error instanceof ProviderError && error.kind === ProviderErrorKind.RateLimited;
}

function isFinalAttempt(job: Job<LlmJobPayload>, error: SwitchyardError): boolean {
  if (!error.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) return true;
  // A retry that might only start after the caller stops waiting is no retry: move on instead.
  const deadline = job.data.deadline;
  return deadline !== undefined && Date.now() + Math.max(error.retryAfterMs ?? 0, retryCeiling(job.attemptsMade + 1)) >= deadline;
}

/**
 * Whether a chunk carries something the caller must see at once: text,
 * reasoning, a tool call, a finish. Anything but the opening role-only delta.
 */
/** The result's completion for a job that answered no text itself (forwarded, cancelled, streamed). */
function emptyCompletion(id: string, model: string, at: number): ChatCompletion {
  return { id, object: 'chat.completion', created: Math.floor(at / 1000), model, choices: [] };
}

function usageChunk(id: string, model: string, usage: CompletionUsage): ChatCompletionChunk {
  return { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage };
}

function opensAnswer(chunk: ChatCompletionChunk): boolean {
  if (chunk.choices.length === 0) return true;
  return chunk.choices.some(
    (choice) => choice.finish_reason != null || Object.entries(choice.delta).some(([field, value]) => field !== 'role' && value != null && value !== ''),
  );
}

function spanAttributes(payload: LlmJobPayload, jobId: string): Record<string, string> {
  return { 'gen_ai.system': payload.route.provider, 'gen_ai.request.model': payload.route.model, 'switchyard.job_id': jobId };
}

/** The reply channel of a caller waiting for the answer (sync and streamed requests); async jobs have none to lose. */
function waitingGateway(payload: LlmJobPayload): string | undefined {
  return payload.deadline === undefined ? undefined : payload.replyTo;
}

/** The id replies and usage rows use: the first job's, however far down its fallback chain the request went. */
function chainIdOf(job: Job<LlmJobPayload>): string {
  return job.data.chainId ?? job.id ?? job.data.requestId;
}

/**
 * Runs LLM jobs: refuse one whose caller has given up, call the provider,
 * answer the waiting caller first, then hand the usage row to the batch
 * writer. The answer is published before BullMQ marks the job done, so the
 * caller never waits on queue bookkeeping.
 */
export function createLlmJobHandlers(deps: LlmJobProcessorDeps): LlmJobHandlers {
  const { adapters, usage, publisher, producer, circuits, budget, health, cancellations, callers, webhooks, batches, keyLimits, logger } = deps;

  /** A job's one usage row. The key it was charged to up front is settled with what the row says it used. */
  function recordEnd(payload: LlmJobPayload, row: LlmRequestRecord): void {
    usage.record(row);
    const { charge } = payload.caller;
    if (charge === undefined || keyLimits === undefined) return;
    const used = { tokens: row.totalTokens, nanoUsd: toNanoUsd(row.costUsd === null ? 0 : Number(row.costUsd)) };
    keyLimits.settle(payload.caller.keyId, charge, used).catch((error: unknown) => logger.warn({ err: error, keyId: payload.caller.keyId }, 'key usage not settled'));
  }

  /** What these counts cost at the route's price; null when it has none. */
  function costOf(payload: LlmJobPayload, counts: CompletionUsage): number | null {
    const price = deps.priceOf?.(payload.route);
    return price === undefined ? null : costUsd(counts, price);
  }

  /**
   * Counts for an upstream that reported none (a stream cut short, a server
   * that never sends usage): the prompt by our own tokenizer, the completion
   * as the caller measured it.
   */
  function countedUsage(payload: LlmJobPayload, completionTokens: number): CompletionUsage {
    let promptTokens = 0;
    try {
      promptTokens = countPromptTokens(payload.request, payload.route.model).tokens;
    } catch (error) {
      logger.warn({ err: error, provider: payload.route.provider }, 'prompt tokens not counted');
    }
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  }

  /**
   * An async job that ended tells its webhook (delivery is the dispatcher's,
   * off this path), and a batch line tells its batch.
   */
  function reportEnd(job: Job<LlmJobPayload>, facts: Omit<JobFacts, 'payload' | 'createdAt'>): void {
    const payload = job.data;
    const jobId = chainIdOf(job);
    if (payload.batch !== undefined && batches !== undefined) {
      batches.lineEnded(payload, jobId, facts).catch((error: unknown) => logger.error({ err: error, jobId, batchId: payload.batch?.id }, 'batch line not recorded'));
    }
    if (payload.webhook === undefined || webhooks === undefined) return;
    const event = jobEndedEvent(asyncJobView(jobId, { ...facts, payload, createdAt: payload.enqueuedAt }), payload);
    if (event === undefined) return;
    webhooks.deliver(event).catch((error: unknown) => logger.error({ err: error, jobId }, 'could not queue the webhook event'));
  }

  /**
   * The job's abort signal: fires when its caller cancels it (through any
   * worker) or BullMQ stops it. `cancelled()` tells a cancel from a failure.
   */
  function cancellable(payload: LlmJobPayload, chainId: string, jobSignal?: AbortSignal): { signal: AbortSignal; cancelled(): boolean; release(): void } {
    const controller = cancellations?.track(chainId) ?? new AbortController();
    const abortWithJob = () => controller.abort();
    jobSignal?.addEventListener('abort', abortWithJob, { once: true });
    const gateway = waitingGateway(payload);
    const unwatch = gateway === undefined ? undefined : callers?.watch(gateway, controller);
    return {
      signal: controller.signal,
      cancelled: () => controller.signal.aborted && (cancellations?.isCancelled(chainId) === true || (gateway !== undefined && callers?.isGone(gateway) === true)),
      release: () => {
        jobSignal?.removeEventListener('abort', abortWithJob);
        cancellations?.done(chainId);
        unwatch?.();
      },
    };
  }

  function reply(payload: LlmJobPayload, jobId: string, ok: boolean, model: string, body: string): void {
    if (payload.replyTo === undefined) return;
    const message = encodeReply({ jobId, ok, provider: payload.route.provider, model, body });
    publisher
      .publish(payload.replyTo, message)
      // Nobody heard it: the gateway's subscription may be reconnecting, and it asks for missed replies when it is back.
      .then((heard) => (heard === 0 ? producer.keepUnheardReply(jobId, message) : undefined))
      .catch((error: unknown) => logger.error({ err: error, jobId }, 'could not publish reply'));
  }

  /** Answers the caller with a typed error and records the failed request. */
  function answerFailure(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number): SerializedError {
    const payload = job.data;
    const jobId = chainIdOf(job);
    const attempts = totalAttempts(job);
    const serialized = serializeError(error);
    serialized.details = { ...serialized.details, job_id: jobId, attempts };
    reply(payload, jobId, false, payload.route.model, JSON.stringify(serialized));
    recordEnd(
          payload,
      buildUsageRecord(payload, {
        jobId,
        tried: [...(payload.tried ?? []), attemptOf(job, error)],
        status: error.code === ErrorCode.JobExpired ? 'expired' : 'failed',
        errorCode: error.code,
        startedAt,
        upstreamMs,
        finishedAt: Date.now(),
        attempts,
      }),
    );
    logger.warn({ jobId, requestId: payload.requestId, provider: payload.route.provider, code: error.code, attempts }, 'job failed');
    reportEnd(job, { status: 'failed', startedAt, finishedAt: Date.now(), attempts, error: serialized });
    return serialized;
  }

  /**
   * A 429 with Retry-After pauses the provider's whole queue (every worker)
   * for that long; the job goes back to wait without spending an attempt.
   * Only while the caller will still be waiting when the pause ends.
   */
  async function pausedForRetryAfter(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<boolean> {
    if (!(error instanceof ProviderError) || error.kind !== ProviderErrorKind.RateLimited || error.retryAfterMs === undefined) return false;
    return pauseProvider(job, error.retryAfterMs, 'provider queue paused after a 429');
  }

  /**
   * Pauses the provider's queue for every worker (a whole number of ms, as
   * Redis wants). The job is put back to wait only when the pause ends while
   * its caller still waits and it has no fallback to go to instead.
   */
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

  function totalAttempts(job: Job<LlmJobPayload>): number {
    return (job.data.tried ?? []).reduce((sum, attempt) => sum + attempt.attempts, 0) + runsOf(job);
  }

  function fail(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number): never {
    if (!isFinalAttempt(job, error)) throw error;
    const tried = job.data.tried ?? [];
    // A request the provider refused as such is the caller's to fix: its own error says how.
    const final = tried.length > 0 && !NOT_WORTH_A_FALLBACK.has(error.code) ? new AllProvidersFailedError([...tried, attemptOf(job, error)], error) : error;
    // The serialized error is kept as the failed reason so a later lookup can rebuild it.
    throw new UnrecoverableError(JSON.stringify(answerFailure(job, final, startedAt, upstreamMs)));
  }

  function attemptOf(job: Job<LlmJobPayload>, error: SwitchyardError): RouteAttempt {
    const upstreamStatus = error.details?.upstream_status;
    return {
      provider: job.data.route.provider,
      model: job.data.route.model,
      code: error.code,
      attempts: runsOf(job),
      ...(typeof upstreamStatus === 'number' ? { upstreamStatus } : {}),
    };
  }

  /**
   * Leaves the route for good: hands the request to the next route of its
   * chain when there is one worth trying, otherwise answers the failure.
   */
  async function leaveRoute(
    job: Job<LlmJobPayload>,
    error: SwitchyardError,
    startedAt: number,
    upstreamMs?: number,
    skipped = false,
  ): Promise<LlmJobResult> {
    const payload = job.data;
    const [next, ...rest] = payload.fallbacks ?? [];
    const waiting = payload.deadline === undefined || Date.now() < payload.deadline;
    // An open circuit is not an attempt worth repeating on the same route: it goes straight on.
    // Nor is a rate-limited one when another route can answer now instead of after the limit.
    const final = skipped || isRateLimited(error) || isFinalAttempt(job, error);
    if (next === undefined || !final || NOT_WORTH_A_FALLBACK.has(error.code) || !waiting) {
      fail(job, error, startedAt, upstreamMs);
    }
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
      timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs: upstreamMs ?? 0, totalMs: Date.now() - payload.enqueuedAt },
      attempts: runsOf(job),
    };
  }

  /**
   * Anything unplanned (Redis gone mid-job, a bug) still ends in an answer
   * and a row on the last attempt, instead of a job that fails in silence.
   */
  async function processGuarded(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult> {
    const startedAt = Date.now();
    try {
      return await processJob(job, token, signal);
    } catch (error) {
      if (error instanceof UnrecoverableError || error instanceof RateLimitError || SwitchyardError.isInstance(error)) throw error;
      if (!llmJobPayloadSchema.safeParse(job.data).success) throw error;
      logger.error({ err: error, jobId: job.id }, 'job failed unexpectedly');
      fail(job, new ServiceUnavailableError('The job could not be completed; try again.', { cause: error }), startedAt);
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
    const payload = parsed.data;
    if (payload.deadline !== undefined && startedAt > payload.deadline) fail(job, new JobExpiredError(jobId), startedAt);
    // A retry or a fallback of a job cancelled meanwhile, or a cancel this worker did not hear: never called.
    if (cancellations !== undefined && (await cancellations.wasCancelled(chainIdOf(job), payload.batch?.id))) return cancelledJob(job, startedAt, 0);
    // A job that waited long in its queue may have outlived its caller's gateway: then it is not run.
    const gateway = waitingGateway(payload);
    if (gateway !== undefined && callers !== undefined && startedAt - payload.enqueuedAt > QUEUED_LONG_MS && (await callers.confirmGone(gateway))) {
      return cancelledJob(job, startedAt, 0);
    }

    const adapter = adapters.get(payload.route.provider);
    if (adapter === undefined) {
      fail(job, new InternalError(`no adapter for provider '${payload.route.provider}' in this worker`), startedAt);
    }

    const { provider, model: upstreamModel } = payload.route;
    if (health?.isDown(provider) === true) {
      const down = new ProviderError({ kind: ProviderErrorKind.Overloaded, provider, message: 'the server is not ready (its health check fails)' });
      return leaveRoute(job, down, startedAt, undefined, true);
    }
    if (circuits !== undefined && (await circuits.state(provider, upstreamModel)) === 'open') {
      return leaveRoute(job, new CircuitOpenError(provider, upstreamModel), startedAt, undefined, true);
    }

    if (budget !== undefined) {
      const waitMs = await budget.take(provider);
      if (waitMs > 0) {
        // Over budget: every worker stops taking this provider's jobs until it renews. This job
        // waits for that only if nothing else can serve it in time; otherwise it moves on.
        if (await pauseProvider(job, waitMs, 'provider budget spent; queue paused')) throw Worker.RateLimitError();
        const spent = new ProviderError({ kind: ProviderErrorKind.RateLimited, provider, message: 'request budget spent', retryAfterMs: waitMs });
        return leaveRoute(job, spent, startedAt, undefined, true);
      }
    }

    if (payload.request.stream === true) {
      return withSpanFromCarrier('chat.completion.stream', payload.trace, spanAttributes(payload, jobId), () => streamJob(job, adapter, startedAt, signal));
    }
    return withSpanFromCarrier(
      'chat.completion',
      payload.trace,
      spanAttributes(payload, jobId),
      async () => {
        let completion: ChatCompletion;
        const callStarted = performance.now();
        const cancel = cancellable(payload, chainIdOf(job), signal);
        try {
          completion = await adapter.generate({ model: payload.route.model, request: payload.request, signal: cancel.signal });
        } catch (error) {
          if (cancel.cancelled()) return cancelledJob(job, startedAt, performance.now() - callStarted);
          return callFailed(job, error, startedAt, callStarted);
        } finally {
          cancel.release();
        }
        if (circuits !== undefined) await circuits.recordSuccess(provider, upstreamModel).catch(() => undefined);
        const upstreamMs = performance.now() - callStarted;
        const finishedAt = Date.now();
        const model = typeof completion.model === 'string' && SAFE_MODEL.test(completion.model) ? completion.model : payload.route.model;
        const usageCounts = completion.usage ?? countedUsage(payload, 0);
        budget?.spend(provider, usageCounts.total_tokens).catch((cause: unknown) => logger.warn({ err: cause }, 'token budget not updated'));
        const chainId = chainIdOf(job);
        reply(payload, chainId, true, model, JSON.stringify(completion));
        const attempts = totalAttempts(job);
        recordEnd(
          payload,
          buildUsageRecord(payload, {
            jobId: chainId,
            tried: payload.tried ?? [],
            status: 'succeeded',
            usage: usageCounts,
            upstreamModel: model,
            startedAt,
            upstreamMs,
            finishedAt,
            attempts,
            costUsd: costOf(payload, usageCounts),
          }),
        );
        reportEnd(job, { status: 'succeeded', startedAt, finishedAt, attempts, result: completion });
        return {
          requestId: payload.requestId,
          provider: payload.route.provider,
          model,
          response: completion,
          usage: usageCounts,
          timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt },
          attempts,
        };
      },
    );
  }

  /**
   * A plain job cancelled before or during its call. Nothing came back; once
   * the call was made, the prompt is counted (by our tokenizer) and costed,
   * since providers bill a prompt they started on.
   */
  function cancelledJob(job: Job<LlmJobPayload>, startedAt: number, upstreamMs: number): LlmJobResult {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const finishedAt = Date.now();
    const attempts = totalAttempts(job);
    const called = upstreamMs > 0;
    const counts = called ? countedUsage(payload, 0) : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    recordEnd(
      payload,
      buildUsageRecord(payload, {
        jobId: chainId,
        tried: payload.tried ?? [],
        status: 'cancelled',
        usage: counts,
        startedAt,
        upstreamMs,
        finishedAt,
        attempts,
        ...(called ? { costUsd: costOf(payload, counts) } : {}),
      }),
    );
    const gateway = waitingGateway(payload);
    if (gateway !== undefined && callers?.isGone(gateway) === true) {
      // Should the gateway turn out to be alive after all (a long reconnect), it answers this instead of timing out.
      const serialized = serializeError(new ServiceUnavailableError(`Job ${chainId} was cancelled: its gateway stopped listening for the answer.`));
      serialized.details = { ...serialized.details, job_id: chainId };
      reply(payload, chainId, false, payload.route.model, JSON.stringify(serialized));
      logger.info({ jobId: chainId, provider: payload.route.provider }, "job cancelled: its caller's gateway is gone");
    } else {
      logger.info({ jobId: chainId, provider: payload.route.provider }, 'job cancelled by its caller');
    }
    reportEnd(job, { status: 'cancelled', startedAt, finishedAt, attempts });
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model: payload.route.model,
      response: emptyCompletion(chainId, payload.route.model, finishedAt),
      usage: counts,
      timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt },
      attempts,
      cancelled: true,
    };
  }

  /** Before anything reached the caller: the same retries, pauses, circuit counts and fallbacks as a plain call. */
  async function callFailed(job: Job<LlmJobPayload>, error: unknown, startedAt: number, callStarted: number): Promise<LlmJobResult> {
    const known = SwitchyardError.isInstance(error) ? error : new InternalError(undefined, { cause: error });
    if (isRateLimited(known) && (job.data.fallbacks?.length ?? 0) > 0) {
      // The pause holds this provider's other jobs; the request itself goes on to its fallback without waiting for it.
      pausedForRetryAfter(job, known).catch((cause: unknown) => logger.warn({ err: cause, provider: job.data.route.provider }, 'provider queue not paused'));
      return leaveRoute(job, known, startedAt, performance.now() - callStarted);
    }
    if (await pausedForRetryAfter(job, known)) throw Worker.RateLimitError();
    await countIfUnhealthy(job, known);
    return leaveRoute(job, known, startedAt, performance.now() - callStarted);
  }

  async function countIfUnhealthy(job: Job<LlmJobPayload>, error: SwitchyardError): Promise<void> {
    if (circuits === undefined || !(error instanceof ProviderError) || !UNHEALTHY.has(error.kind)) return;
    const { provider, model } = job.data.route;
    await circuits.recordFailure(provider, model).catch((cause: unknown) => logger.warn({ err: cause }, 'circuit state not updated'));
  }

  /**
   * Streams the completion to the caller's gateway as it arrives. Until the
   * first token nothing has reached the caller, so a failure is handled like
   * a plain call's (retry, pause, fallback); after it, the stream ends with
   * an error event. A cancel from the gateway aborts the upstream request.
   */
  async function streamJob(job: Job<LlmJobPayload>, adapter: ProviderAdapter, startedAt: number, jobSignal?: AbortSignal): Promise<LlmJobResult> {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const cancel = cancellable(payload, chainId, jobSignal);
    const includeUsage = payload.request.stream_options?.include_usage === true;
    const callStarted = performance.now();
    let out: StreamPublisher | undefined;
    let firstTokenAt: number | undefined;
    let model = payload.route.model;
    let usageCounts: CompletionUsage | undefined;
    let contentChunks = 0;
    const held: string[] = [];

    const finish = (status: 'succeeded' | 'failed' | 'cancelled', errorCode?: string): LlmJobResult => {
      const finishedAt = Date.now();
      const upstreamMs = performance.now() - callStarted;
      // Without the upstream's count (a cancel, a break), each content chunk stands for a token and the prompt is counted here.
      const counts = usageCounts ?? countedUsage(payload, contentChunks);
      budget?.spend(payload.route.provider, counts.total_tokens).catch((cause: unknown) => logger.warn({ err: cause }, 'token budget not updated'));
      const attempts = totalAttempts(job);
      recordEnd(
          payload,
        buildUsageRecord(payload, {
          jobId: chainId,
          tried: payload.tried ?? [],
          status,
          usage: counts,
          upstreamModel: model,
          startedAt,
          upstreamMs,
          finishedAt,
          attempts,
          costUsd: costOf(payload, counts),
          ...(errorCode === undefined ? {} : { errorCode }),
          ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
        }),
      );
      return {
        requestId: payload.requestId,
        provider: payload.route.provider,
        model,
        response: emptyCompletion(chainId, model, finishedAt),
        usage: counts,
        timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt },
        attempts,
        ...(status === 'cancelled' ? { cancelled: true as const } : {}),
        ...(status === 'failed' ? { failed: true as const } : {}),
      };
    };

    try {
      for await (const chunk of adapter.stream({ model: payload.route.model, request: payload.request, signal: cancel.signal })) {
        if (chunk.usage) usageCounts = chunk.usage;
        if (chunk.choices.length === 0 && !includeUsage) continue;
        if (out === undefined && typeof chunk.model === 'string' && SAFE_MODEL.test(chunk.model)) model = chunk.model;
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) contentChunks++;
        const event = sseEvent(chunk);
        if (out !== undefined) {
          out.push(event);
          continue;
        }
        held.push(event);
        // The role-only opening chunk is no token yet: a failure after it can still fall back.
        if (!opensAnswer(chunk)) continue;
        out = openStream(payload, chainId, model);
        firstTokenAt = Date.now();
        out.push(held.join(''));
      }
    } catch (error) {
      if (cancel.cancelled()) {
        logger.info({ jobId: chainId, provider: payload.route.provider }, 'stream cancelled by its caller');
        return finish('cancelled');
      }
      if (out === undefined) return callFailed(job, error, startedAt, callStarted);
      const known = SwitchyardError.isInstance(error) ? error : new InternalError(undefined, { cause: error });
      await countIfUnhealthy(job, known);
      const broken = new StreamInterruptedError(chainId, known.message, { details: { upstream_code: known.code } });
      out.end(sseEvent(toHttpError(broken).body));
      logger.warn({ jobId: chainId, provider: payload.route.provider, code: known.code }, 'stream broke off after its first token');
      return finish('failed', broken.code);
    } finally {
      cancel.release();
    }
    if (out === undefined) {
      // An answer with no token at all (an empty completion) still reaches its caller.
      out = openStream(payload, chainId, model);
      firstTokenAt = Date.now();
      out.push(held.join(''));
    }
    // OpenAI always ends with the usage chunk when asked; an upstream that reported none gets the chunk count.
    if (includeUsage && usageCounts === undefined) {
      // Counted once: the caller is told the same figures the usage row keeps.
      usageCounts = countedUsage(payload, contentChunks);
      out.push(sseEvent(usageChunk(chainId, model, usageCounts)));
    }
    out.end(SSE_DONE);
    if (circuits !== undefined) await circuits.recordSuccess(payload.route.provider, payload.route.model).catch(() => undefined);
    return finish('succeeded');
  }

  function openStream(payload: LlmJobPayload, chainId: string, model: string): StreamPublisher {
    const channel = payload.replyTo ?? '';
    return new StreamPublisher(publisher, channel, chainId, payload.route.provider, model, (error: unknown) =>
      logger.error({ err: error, jobId: chainId }, 'could not publish a stream part'),
    );
  }

  function onFailed(job: Job<LlmJobPayload> | undefined): void {
    // Only jobs BullMQ failed itself: a job whose workers kept dying carries a deferred failure
    // and is failed without reaching `process`, so nobody has answered its caller yet.
    if (job?.deferredFailure === undefined || !llmJobPayloadSchema.safeParse(job.data).success) return;
    answerFailure(job, new JobStalledError(chainIdOf(job)), job.processedOn ?? Date.now());
  }

  return { process: processGuarded, onFailed };
}
