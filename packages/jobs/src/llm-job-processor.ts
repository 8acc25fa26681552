import {
  type ChatCompletion,
  ErrorCode,
  InternalError,
  JobExpiredError,
  JobStalledError,
  type LlmJobPayload,
  type LlmJobResult,
  llmJobPayloadSchema,
  type SerializedError,
  serializeError,
  SwitchyardError,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import { withSpanFromCarrier } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import type { UsageRecorder } from '@switchyard/usage';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { buildUsageRecord } from './build-usage-record';
import { encodeReply } from './reply-message';

export interface LlmJobProcessorDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  usage: UsageRecorder;
  /** Connection used to PUBLISH replies; never a subscriber or blocking one. */
  publisher: Redis;
  logger: Logger;
}

export interface LlmJobHandlers {
  process(job: Job<LlmJobPayload>, token?: string, signal?: AbortSignal): Promise<LlmJobResult>;
  /** For BullMQ's `failed` event: answers jobs that BullMQ failed without running them. */
  onFailed(job: Job<LlmJobPayload> | undefined): void;
}

/** Safe for a header and for the line-based reply: printable ASCII only. */
const SAFE_MODEL = /^[\x20-\x7e]{1,256}$/;

function isFinalAttempt(job: Job, error: SwitchyardError): boolean {
  return !error.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Runs LLM jobs: refuse one whose caller has given up, call the provider,
 * answer the waiting caller first, then hand the usage row to the batch
 * writer. The answer is published before BullMQ marks the job done, so the
 * caller never waits on queue bookkeeping.
 */
export function createLlmJobHandlers(deps: LlmJobProcessorDeps): LlmJobHandlers {
  const { adapters, usage, publisher, logger } = deps;

  function reply(payload: LlmJobPayload, jobId: string, ok: boolean, model: string, body: string): void {
    if (payload.replyTo === undefined) return;
    publisher
      .publish(payload.replyTo, encodeReply({ jobId, ok, provider: payload.route.provider, model, body }))
      .catch((error: unknown) => logger.error({ err: error, jobId }, 'could not publish reply'));
  }

  /** Answers the caller with a typed error and records the failed request. */
  function answerFailure(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number): SerializedError {
    const payload = job.data;
    const jobId = job.id ?? payload.requestId;
    const attempts = job.attemptsMade + 1;
    const serialized = serializeError(error);
    serialized.details = { ...serialized.details, job_id: jobId, attempts };
    reply(payload, jobId, false, payload.route.model, JSON.stringify(serialized));
    usage.record(
      buildUsageRecord(payload, {
        jobId,
        status: error.code === ErrorCode.JobExpired ? 'expired' : 'failed',
        errorCode: error.code,
        startedAt,
        upstreamMs,
        finishedAt: Date.now(),
        attempts,
      }),
    );
    logger.warn({ jobId, requestId: payload.requestId, provider: payload.route.provider, code: error.code, attempts }, 'job failed');
    return serialized;
  }

  function fail(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number): never {
    if (!isFinalAttempt(job, error)) throw error;
    // The serialized error is kept as the failed reason so a later lookup can rebuild it.
    throw new UnrecoverableError(JSON.stringify(answerFailure(job, error, startedAt, upstreamMs)));
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

    const adapter = adapters.get(payload.route.provider);
    if (adapter === undefined) {
      fail(job, new InternalError(`no adapter for provider '${payload.route.provider}' in this worker`), startedAt);
    }

    return withSpanFromCarrier(
      'chat.completion',
      payload.trace,
      { 'gen_ai.system': payload.route.provider, 'gen_ai.request.model': payload.route.model, 'switchyard.job_id': jobId },
      async () => {
        let completion: ChatCompletion;
        const callStarted = performance.now();
        try {
          completion = await adapter.generate({ model: payload.route.model, request: payload.request, signal });
        } catch (error) {
          const known = SwitchyardError.isInstance(error) ? error : new InternalError(undefined, { cause: error });
          fail(job, known, startedAt, performance.now() - callStarted);
        }
        const upstreamMs = performance.now() - callStarted;
        const finishedAt = Date.now();
        const model = typeof completion.model === 'string' && SAFE_MODEL.test(completion.model) ? completion.model : payload.route.model;
        const usageCounts = completion.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
        reply(payload, jobId, true, model, JSON.stringify(completion));
        const attempts = job.attemptsMade + 1;
        usage.record(
          buildUsageRecord(payload, { jobId, status: 'succeeded', usage: usageCounts, upstreamModel: model, startedAt, upstreamMs, finishedAt, attempts }),
        );
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

  function onFailed(job: Job<LlmJobPayload> | undefined): void {
    // Only jobs BullMQ failed itself: a job whose workers kept dying carries a deferred failure
    // and is failed without reaching `process`, so nobody has answered its caller yet.
    if (job?.deferredFailure === undefined || !llmJobPayloadSchema.safeParse(job.data).success) return;
    answerFailure(job, new JobStalledError(job.id ?? job.data.requestId), job.processedOn ?? Date.now());
  }

  return { process: processJob, onFailed };
}
