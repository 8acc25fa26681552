import {
  type ChatCompletion,
  InternalError,
  JobExpiredError,
  LLM_JOB_VERSION,
  type LlmJobPayload,
  type LlmJobResult,
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

function isFinalAttempt(job: Job, error: SwitchyardError): boolean {
  return !error.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Runs one LLM job: refuse it when its caller has given up, call the
 * provider, answer the waiting caller first, then hand the usage row to the
 * batch writer. The answer is published before BullMQ marks the job done,
 * so the caller never waits on queue bookkeeping.
 */
export function createLlmJobProcessor(deps: LlmJobProcessorDeps) {
  const { adapters, usage, publisher, logger } = deps;

  function reply(payload: LlmJobPayload, jobId: string, ok: boolean, model: string, body: string): void {
    if (payload.replyTo === undefined) return;
    publisher
      .publish(payload.replyTo, encodeReply({ jobId, ok, provider: payload.route.provider, model, body }))
      .catch((error: unknown) => logger.error({ err: error, jobId }, 'could not publish reply'));
  }

  function fail(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number): never {
    const payload = job.data;
    const attempts = job.attemptsMade + 1;
    if (!isFinalAttempt(job, error)) throw error;
    const serialized: SerializedError = serializeError(error);
    serialized.details = { ...serialized.details, job_id: job.id, attempts };
    reply(payload, job.id ?? '', false, payload.route.model, JSON.stringify(serialized));
    const status = error instanceof JobExpiredError ? 'expired' : 'failed';
    usage.record(
      buildUsageRecord(payload, {
        jobId: job.id ?? payload.requestId,
        status,
        errorCode: error.code,
        startedAt,
        upstreamMs,
        finishedAt: Date.now(),
        attempts,
      }),
    );
    logger.warn({ jobId: job.id, requestId: payload.requestId, provider: payload.route.provider, code: error.code, attempts }, 'job failed');
    // The serialized error is kept as the failed reason so a later lookup can rebuild it.
    throw new UnrecoverableError(JSON.stringify(serialized));
  }

  return async function processLlmJob(job: Job<LlmJobPayload>, _token?: string, signal?: AbortSignal): Promise<LlmJobResult> {
    const startedAt = Date.now();
    const payload = job.data;
    const jobId = job.id ?? payload.requestId;
    if (payload?.v !== LLM_JOB_VERSION) {
      throw new UnrecoverableError(`job ${jobId} has payload version ${String(payload?.v)}; this worker reads ${LLM_JOB_VERSION}`);
    }
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
        const usageCounts = completion.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
        reply(payload, jobId, true, completion.model, JSON.stringify(completion));
        const attempts = job.attemptsMade + 1;
        usage.record(
          buildUsageRecord(payload, {
            jobId,
            status: 'succeeded',
            usage: usageCounts,
            upstreamModel: completion.model,
            startedAt,
            upstreamMs,
            finishedAt,
            attempts,
          }),
        );
        return {
          requestId: payload.requestId,
          provider: payload.route.provider,
          model: completion.model,
          response: completion,
          usage: usageCounts,
          timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt },
          attempts,
        };
      },
    );
  };
}
