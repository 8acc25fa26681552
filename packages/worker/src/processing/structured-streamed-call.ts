import type { ChatCompletion, ChatCompletionChunk, LlmJobPayload, LlmJobResult } from '@switchyard/contracts';
import type { ProviderAdapter } from '@switchyard/providers';
import { SSE_DONE, StreamPublisher, sseEvent } from '@switchyard/queue';
import type { Job } from 'bullmq';
import { chainIdOf } from './job-chain';
import { emptyCompletion, jobTimings } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import { answeredModel, type SettledCall } from './settled-call';
import type { StructuredCall, StructuredPlan } from './structured-call';

/**
 * A streamed request with a JSON response_format. A streamed JSON answer must
 * parse, so nothing is streamed until the whole answer has been checked
 * (and repaired or re-asked for): only then does it go out, as OpenAI chunks.
 * Until then nothing has reached the caller, so a route that never complies
 * is left for its fallback like a plain call's.
 */
export type StructuredStreamedCall = (
  job: Job<LlmJobPayload>,
  adapter: ProviderAdapter,
  startedAt: number,
  plan: StructuredPlan,
  jobSignal?: AbortSignal,
) => Promise<LlmJobResult>;

/** The checked answer as the chunks a streaming upstream would have sent: role, content, finish, and usage when asked. */
export function answerChunks(completion: ChatCompletion, id: string, model: string, includeUsage: boolean): ChatCompletionChunk[] {
  const created = completion.created;
  const chunk = (choices: ChatCompletionChunk['choices']): ChatCompletionChunk => ({ id, object: 'chat.completion.chunk', created, model, choices });
  const first = completion.choices[0];
  const chunks = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: first?.message.content ?? '' }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: first?.finish_reason ?? 'stop' }]),
  ];
  if (includeUsage && completion.usage !== undefined) chunks.push({ ...chunk([]), usage: completion.usage });
  return chunks;
}

export function createStructuredStreamedCall(
  { publisher, circuits, logger }: Pick<LlmJobProcessorDeps, 'publisher' | 'circuits' | 'logger'>,
  { recorder, settle, structured }: { recorder: OutcomeRecorder; settle: SettledCall; structured: StructuredCall },
): StructuredStreamedCall {
  return async (job, adapter, startedAt, plan, jobSignal) => {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const settled = await settle(job, startedAt, jobSignal, (signal) => structured.generate(adapter, payload, plan, signal));
    if (!settled.ok) return settled.result;
    const { answer, callStarted } = settled;
    const { completion, usage, outcome } = answer;
    const model = answeredModel(completion, payload);
    const out = new StreamPublisher(publisher, payload.replyTo ?? '', chainId, payload.route.provider, model, (error: unknown) =>
      logger.error({ err: error, jobId: chainId }, 'could not publish a stream part'),
    );
    const firstTokenAt = Date.now();
    const includeUsage = payload.request.stream_options?.include_usage === true;
    out.push(answerChunks(completion, chainId, model, includeUsage).map(sseEvent).join(''));
    out.end(SSE_DONE);
    if (circuits !== undefined) await circuits.recordSuccess(payload.route.provider, payload.route.model).catch(() => undefined);
    const { finishedAt, upstreamMs, attempts } = recorder.recordCall(job, {
      status: 'succeeded',
      usage,
      model,
      startedAt,
      callStarted,
      firstTokenAt,
      structured: outcome,
    });
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model,
      response: emptyCompletion(chainId, model, finishedAt),
      usage,
      timings: jobTimings(payload, startedAt, upstreamMs, finishedAt),
      attempts,
      structured: outcome,
    };
  };
}
