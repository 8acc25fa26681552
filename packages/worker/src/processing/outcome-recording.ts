import { toNanoUsd } from '@switchyard/admission';
import { asyncJobView, type JobFacts, jobEndedEvent } from '@switchyard/async-jobs';
import {
  type CompletionUsage,
  ErrorCode,
  type LlmJobPayload,
  type SerializedError,
  type StructuredOutcome,
  type SwitchyardError,
  serializeError,
} from '@switchyard/contracts';
import { buildUsageRecord, type LlmRequestRecord } from '@switchyard/database';
import { encodeReply } from '@switchyard/queue';
import { costUsd, countPromptTokens } from '@switchyard/tokens';
import type { Job } from 'bullmq';
import { attemptOf, chainIdOf, totalAttempts } from './job-chain';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { StructuredSpent } from './structured-spent';

/** How a job's end is written down and told: its usage row, its reply, its webhook or batch, its key's limits. */
export interface OutcomeRecorder {
  /** A job's one usage row. The key it was charged to up front is settled with what the row says it used. */
  recordEnd(payload: LlmJobPayload, row: LlmRequestRecord): void;
  /**
   * The end of a call that reached the provider (answered, cut short or
   * cancelled): its tokens count against the provider's budget and its row,
   * priced, is recorded. Returns the timings the job's result reports.
   */
  recordCall(job: Job<LlmJobPayload>, call: EndedCall): { finishedAt: number; upstreamMs: number; attempts: number };
  /** What these counts cost at the route's price; null when it has none. */
  costOf(payload: LlmJobPayload, counts: CompletionUsage): number | null;
  /**
   * Counts for an upstream that reported none (a stream cut short, a server
   * that never sends usage): the prompt by our own tokenizer, the completion
   * as the caller measured it.
   */
  countedUsage(payload: LlmJobPayload, completionTokens: number): CompletionUsage;
  /**
   * An async job that ended tells its webhook (delivery is the dispatcher's,
   * off this path), and a batch line tells its batch.
   */
  reportEnd(job: Job<LlmJobPayload>, facts: Omit<JobFacts, 'payload' | 'createdAt'>): void;
  /** Publishes the answer on the caller's reply channel; one nobody heard is kept for the gateway to ask for. */
  reply(payload: LlmJobPayload, jobId: string, ok: boolean, model: string, body: string, structured?: StructuredOutcome): void;
  /**
   * Answers the caller with a typed error and records the failed request;
   * `spent`: the tokens and outcome of structured-answer calls that never complied.
   */
  answerFailure(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number, spent?: StructuredSpent): SerializedError;
  /** A session turn that ended without an answer: the history stays as it was and the next turn may go. */
  releaseSession(payload: LlmJobPayload): void;
  /** The reply `reply` would publish, for a script that publishes it itself; undefined when nobody waits on a channel. */
  encodedReply(
    payload: LlmJobPayload,
    jobId: string,
    model: string,
    body: string,
    structured?: StructuredOutcome,
  ): { channel: string; message: string } | undefined;
  /** A reply published by a script that nobody heard: kept for the gateway to ask for, as `reply` does. */
  keepUnheard(jobId: string, message: string): void;
}

/** What a provider call that ended says about itself. */
export interface EndedCall {
  status: 'succeeded' | 'failed' | 'cancelled';
  usage: CompletionUsage;
  /** The model the provider says answered (or the route's). */
  model: string;
  startedAt: number;
  /** `performance.now()` when the upstream call began. */
  callStarted: number;
  errorCode?: string;
  firstTokenAt?: number;
  /** Requests with a JSON response_format: how the answer was asked for and what it took. */
  structured?: StructuredOutcome;
}

export type OutcomeRecorderDeps = Pick<
  LlmJobProcessorDeps,
  'usage' | 'publisher' | 'producer' | 'webhooks' | 'batches' | 'keyLimits' | 'priceOf' | 'budget' | 'sessions' | 'providerCalls' | 'logger'
>;

export function createOutcomeRecorder(deps: OutcomeRecorderDeps): OutcomeRecorder {
  const { usage, publisher, producer, webhooks, batches, keyLimits, budget, sessions, logger } = deps;

  function releaseSession(payload: LlmJobPayload): void {
    if (payload.session === undefined || sessions === undefined) return;
    sessions.release(payload).catch((error: unknown) => logger.error({ err: error, sessionId: payload.session?.id }, 'session turn not released'));
  }

  function recordEnd(payload: LlmJobPayload, row: LlmRequestRecord): void {
    usage.record(row);
    const { charge } = payload.caller;
    if (charge === undefined || keyLimits === undefined) return;
    const used = { tokens: row.totalTokens, nanoUsd: toNanoUsd(row.costUsd === null ? 0 : Number(row.costUsd)) };
    keyLimits
      .settle(payload.caller.keyId, charge, used)
      .catch((error: unknown) => logger.warn({ err: error, keyId: payload.caller.keyId }, 'key usage not settled'));
  }

  function recordCall(job: Job<LlmJobPayload>, call: EndedCall): { finishedAt: number; upstreamMs: number; attempts: number } {
    const payload = job.data;
    const finishedAt = Date.now();
    const upstreamMs = performance.now() - call.callStarted;
    budget?.spend(payload.route.provider, call.usage.total_tokens).catch((cause: unknown) => logger.warn({ err: cause }, 'token budget not updated'));
    const attempts = totalAttempts(job);
    const cost = costOf(payload, call.usage);
    deps.providerCalls?.requestEnded({ provider: payload.route.provider, status: call.status, attempts, costUsd: cost });
    recordEnd(
      payload,
      buildUsageRecord(payload, {
        jobId: chainIdOf(job),
        tried: payload.tried ?? [],
        status: call.status,
        usage: call.usage,
        upstreamModel: call.model,
        startedAt: call.startedAt,
        upstreamMs,
        finishedAt,
        attempts,
        costUsd: cost,
        ...(call.structured === undefined ? {} : { structured: call.structured }),
        ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode }),
        ...(call.firstTokenAt === undefined ? {} : { firstTokenAt: call.firstTokenAt }),
      }),
    );
    return { finishedAt, upstreamMs, attempts };
  }

  function costOf(payload: LlmJobPayload, counts: CompletionUsage): number | null {
    const price = deps.priceOf?.(payload.route);
    return price === undefined ? null : costUsd(counts, price);
  }

  function countedUsage(payload: LlmJobPayload, completionTokens: number): CompletionUsage {
    let promptTokens = 0;
    try {
      promptTokens = countPromptTokens(payload.request, payload.route.model).tokens;
    } catch (error) {
      logger.warn({ err: error, provider: payload.route.provider }, 'prompt tokens not counted');
    }
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  }

  function reportEnd(job: Job<LlmJobPayload>, facts: Omit<JobFacts, 'payload' | 'createdAt'>): void {
    const payload = job.data;
    const jobId = chainIdOf(job);
    if (payload.batch !== undefined && batches !== undefined) {
      batches
        .lineEnded(payload, jobId, facts)
        .catch((error: unknown) => logger.error({ err: error, jobId, batchId: payload.batch?.id }, 'batch line not recorded'));
    }
    if (payload.webhook === undefined || webhooks === undefined) return;
    const event = jobEndedEvent(asyncJobView(jobId, { ...facts, payload, createdAt: payload.enqueuedAt }), payload);
    if (event === undefined) return;
    webhooks.deliver(event).catch((error: unknown) => logger.error({ err: error, jobId }, 'could not queue the webhook event'));
  }

  function encodedReply(payload: LlmJobPayload, jobId: string, model: string, body: string, structured?: StructuredOutcome) {
    if (payload.replyTo === undefined) return undefined;
    const message = encodeReply({ jobId, ok: true, provider: payload.route.provider, model, body, ...(structured === undefined ? {} : { structured }) });
    return { channel: payload.replyTo, message };
  }

  function keepUnheard(jobId: string, message: string): void {
    producer.keepUnheardReply(jobId, message).catch((error: unknown) => logger.error({ err: error, jobId }, 'could not keep an unheard reply'));
  }

  function reply(payload: LlmJobPayload, jobId: string, ok: boolean, model: string, body: string, structured?: StructuredOutcome): void {
    if (payload.replyTo === undefined) return;
    const message = encodeReply({ jobId, ok, provider: payload.route.provider, model, body, ...(structured === undefined ? {} : { structured }) });
    publisher
      .publish(payload.replyTo, message)
      // Nobody heard it: the gateway's subscription may be reconnecting, and it asks for missed replies when it is back.
      .then((heard) => (heard === 0 ? producer.keepUnheardReply(jobId, message) : undefined))
      .catch((error: unknown) => logger.error({ err: error, jobId }, 'could not publish reply'));
  }

  function answerFailure(job: Job<LlmJobPayload>, error: SwitchyardError, startedAt: number, upstreamMs?: number, spent?: StructuredSpent): SerializedError {
    const payload = job.data;
    const jobId = chainIdOf(job);
    const attempts = totalAttempts(job);
    const serialized = serializeError(error);
    serialized.details = { ...serialized.details, job_id: jobId, attempts };
    // A failed turn leaves the history as it was; the session's next turn may go.
    releaseSession(payload);
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
        ...(spent === undefined ? {} : { usage: spent.usage, costUsd: costOf(payload, spent.usage), structured: spent.outcome }),
      }),
    );
    logger.warn({ jobId, requestId: payload.requestId, provider: payload.route.provider, code: error.code, attempts }, 'job failed');
    reportEnd(job, { status: 'failed', startedAt, finishedAt: Date.now(), attempts, error: serialized });
    return serialized;
  }

  return { recordEnd, recordCall, costOf, countedUsage, reportEnd, reply, answerFailure, releaseSession, encodedReply, keepUnheard };
}
