import {
  type ChatCompletionChunk,
  type CompletionUsage,
  InternalError,
  type LlmJobPayload,
  type LlmJobResult,
  ServiceUnavailableError,
  StreamInterruptedError,
  SwitchyardError,
  toHttpError,
} from '@switchyard/contracts';
import type { ProviderAdapter } from '@switchyard/providers';
import { SSE_DONE, StreamPublisher, sseEvent } from '@switchyard/queue';
import type { Job } from 'bullmq';
import type { CallFailure } from './call-failure';
import type { JobCancellation } from './job-cancellation';
import { chainIdOf } from './job-chain';
import { emptyCompletion, jobTimings, SAFE_MODEL } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import { StreamedAnswer } from './streamed-answer';

/**
 * Streams the completion to the caller's gateway as it arrives. Until the
 * first token nothing has reached the caller, so a failure is handled like
 * a plain call's (retry, pause, fallback); after it, the stream ends with
 * an error event. A cancel from the gateway aborts the upstream request.
 */
export type StreamedCall = (job: Job<LlmJobPayload>, adapter: ProviderAdapter, startedAt: number, jobSignal?: AbortSignal) => Promise<LlmJobResult>;

function usageChunk(id: string, model: string, usage: CompletionUsage): ChatCompletionChunk {
  return { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [], usage };
}

/**
 * Whether a chunk carries something the caller must see at once: text,
 * reasoning, a tool call, a finish. Anything but the opening role-only delta.
 */
function opensAnswer(chunk: ChatCompletionChunk): boolean {
  if (chunk.choices.length === 0) return true;
  return chunk.choices.some(
    (choice) => choice.finish_reason != null || Object.entries(choice.delta).some(([field, value]) => field !== 'role' && value != null && value !== ''),
  );
}

export function createStreamedCall(
  { publisher, circuits, sessions, logger }: Pick<LlmJobProcessorDeps, 'publisher' | 'circuits' | 'sessions' | 'logger'>,
  { recorder, cancellation, failure }: { recorder: OutcomeRecorder; cancellation: JobCancellation; failure: CallFailure },
): StreamedCall {
  function openStream(payload: LlmJobPayload, chainId: string, model: string): StreamPublisher {
    const channel = payload.replyTo ?? '';
    return new StreamPublisher(publisher, channel, chainId, payload.route.provider, model, (error: unknown) =>
      logger.error({ err: error, jobId: chainId }, 'could not publish a stream part'),
    );
  }

  return async (job, adapter, startedAt, jobSignal) => {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const cancel = cancellation.cancellable(payload, chainId, jobSignal);
    const includeUsage = payload.request.stream_options?.include_usage === true;
    const callStarted = performance.now();
    let out: StreamPublisher | undefined;
    let firstTokenAt: number | undefined;
    let model = payload.route.model;
    let usageCounts: CompletionUsage | undefined;
    let contentChunks = 0;
    const held: string[] = [];

    // A session turn's answer, put together from the chunks, for its history.
    const answer = payload.session === undefined ? undefined : new StreamedAnswer();

    const finish = (status: 'succeeded' | 'failed' | 'cancelled', errorCode?: string): LlmJobResult => {
      if (status !== 'succeeded') recorder.releaseSession(payload);
      // Without the upstream's count (a cancel, a break), each content chunk stands for a token and the prompt is counted here.
      const counts = usageCounts ?? recorder.countedUsage(payload, contentChunks);
      const { finishedAt, upstreamMs, attempts } = recorder.recordCall(job, {
        status,
        usage: counts,
        model,
        startedAt,
        callStarted,
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
      });
      return {
        requestId: payload.requestId,
        provider: payload.route.provider,
        model,
        response: emptyCompletion(chainId, model, finishedAt),
        usage: counts,
        timings: jobTimings(payload, startedAt, upstreamMs, finishedAt),
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
        if (delta !== undefined) answer?.add(delta);
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
      if (out === undefined) return failure.callFailed(job, error, startedAt, callStarted);
      const known = SwitchyardError.isInstance(error) ? error : new InternalError(undefined, { cause: error });
      await failure.countIfUnhealthy(job, known);
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
      usageCounts = recorder.countedUsage(payload, contentChunks);
      out.push(sseEvent(usageChunk(chainId, model, usageCounts)));
    }
    if (answer !== undefined && sessions !== undefined) {
      try {
        await sessions.commit(payload, answer.message(), usageCounts ?? recorder.countedUsage(payload, contentChunks), payload.requestId);
      } catch (error) {
        // The caller has the text already; the history does not, so the stream ends with an error.
        logger.error({ err: error, jobId: chainId, sessionId: payload.session?.id }, 'session turn not written');
        const lost = new ServiceUnavailableError('The answer could not be written to the session; send the turn again.');
        out.end(sseEvent(toHttpError(lost).body));
        return finish('failed', lost.code);
      }
    }
    out.end(SSE_DONE);
    if (circuits !== undefined) await circuits.recordSuccess(payload.route.provider, payload.route.model).catch(() => undefined);
    return finish('succeeded');
  };
}
