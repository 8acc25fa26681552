import { type LlmJobPayload, type LlmJobResult, ServiceUnavailableError, serializeError } from '@switchyard/contracts';
import { buildUsageRecord } from '@switchyard/database';
import type { Job } from 'bullmq';
import { chainIdOf, totalAttempts } from './job-chain';
import { emptyCompletion, jobTimings } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';

/** The reply channel of a caller waiting for the answer (sync and streamed requests); async jobs have none to lose. */
export function waitingGateway(payload: LlmJobPayload): string | undefined {
  return payload.deadline === undefined ? undefined : payload.replyTo;
}

/** A provider call's abort signal, and whether it fired because the call was cancelled. */
export interface CancellableCall {
  signal: AbortSignal;
  cancelled(): boolean;
  release(): void;
}

export interface JobCancellation {
  /**
   * The job's abort signal: fires when its caller cancels it (through any
   * worker) or BullMQ stops it. `cancelled()` tells a cancel from a failure.
   */
  cancellable(payload: LlmJobPayload, chainId: string, jobSignal?: AbortSignal): CancellableCall;
  /**
   * A plain job cancelled before or during its call. Nothing came back; once
   * the call was made, the prompt is counted (by our tokenizer) and costed,
   * since providers bill a prompt they started on.
   */
  cancelledJob(job: Job<LlmJobPayload>, startedAt: number, upstreamMs: number): LlmJobResult;
}

export function createJobCancellation(
  { cancellations, callers, logger }: Pick<LlmJobProcessorDeps, 'cancellations' | 'callers' | 'logger'>,
  recorder: OutcomeRecorder,
): JobCancellation {
  function cancellable(payload: LlmJobPayload, chainId: string, jobSignal?: AbortSignal): CancellableCall {
    const controller = cancellations?.track(chainId) ?? new AbortController();
    const abortWithJob = () => controller.abort();
    jobSignal?.addEventListener('abort', abortWithJob, { once: true });
    const gateway = waitingGateway(payload);
    const unwatch = gateway === undefined ? undefined : callers?.watch(gateway, controller);
    return {
      signal: controller.signal,
      cancelled: () =>
        controller.signal.aborted && (cancellations?.isCancelled(chainId) === true || (gateway !== undefined && callers?.isGone(gateway) === true)),
      release: () => {
        jobSignal?.removeEventListener('abort', abortWithJob);
        cancellations?.done(chainId);
        unwatch?.();
      },
    };
  }

  function cancelledJob(job: Job<LlmJobPayload>, startedAt: number, upstreamMs: number): LlmJobResult {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const finishedAt = Date.now();
    const attempts = totalAttempts(job);
    const called = upstreamMs > 0;
    recorder.releaseSession(payload);
    const counts = called ? recorder.countedUsage(payload, 0) : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    recorder.recordEnd(
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
        ...(called ? { costUsd: recorder.costOf(payload, counts) } : {}),
      }),
    );
    const gateway = waitingGateway(payload);
    if (gateway !== undefined && callers?.isGone(gateway) === true) {
      // Should the gateway turn out to be alive after all (a long reconnect), it answers this instead of timing out.
      const serialized = serializeError(new ServiceUnavailableError(`Job ${chainId} was cancelled: its gateway stopped listening for the answer.`));
      serialized.details = { ...serialized.details, job_id: chainId };
      recorder.reply(payload, chainId, false, payload.route.model, JSON.stringify(serialized));
      logger.info({ jobId: chainId, provider: payload.route.provider }, "job cancelled: its caller's gateway is gone");
    } else {
      logger.info({ jobId: chainId, provider: payload.route.provider }, 'job cancelled by its caller');
    }
    recorder.reportEnd(job, { status: 'cancelled', startedAt, finishedAt, attempts });
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model: payload.route.model,
      response: emptyCompletion(chainId, payload.route.model, finishedAt),
      usage: counts,
      timings: jobTimings(payload, startedAt, upstreamMs, finishedAt),
      attempts,
      cancelled: true,
    };
  }

  return { cancellable, cancelledJob };
}
