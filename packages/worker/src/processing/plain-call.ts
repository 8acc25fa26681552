import { type ChatCompletion, type LlmJobPayload, type LlmJobResult, ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';
import type { ProviderAdapter } from '@switchyard/providers';
import { assistantTurnMessage } from '@switchyard/sessions';
import { type Job, UnrecoverableError } from 'bullmq';
import type { CallFailure } from './call-failure';
import type { JobCancellation } from './job-cancellation';
import { chainIdOf } from './job-chain';
import { SAFE_MODEL } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import type { StructuredCall, StructuredResult } from './structured-call';

/**
 * Calls the provider once for the whole completion and answers the caller
 * with it. `payload` is the job's data as checked against the job contract.
 */
export type PlainCall = (
  job: Job<LlmJobPayload>,
  payload: LlmJobPayload,
  adapter: ProviderAdapter,
  startedAt: number,
  signal?: AbortSignal,
) => Promise<LlmJobResult>;

export function createPlainCall(
  { circuits, sessions }: Pick<LlmJobProcessorDeps, 'circuits' | 'sessions'>,
  {
    recorder,
    cancellation,
    failure,
    structured,
  }: { recorder: OutcomeRecorder; cancellation: JobCancellation; failure: CallFailure; structured: StructuredCall },
): PlainCall {
  return async (job, payload, adapter, startedAt, signal) => {
    const { provider, model: upstreamModel } = payload.route;
    let answer: StructuredResult | { ok: true; completion: ChatCompletion; usage?: undefined; outcome?: undefined };
    const callStarted = performance.now();
    const cancel = cancellation.cancellable(payload, chainIdOf(job), signal);
    const plan = structured.planOf(payload);
    try {
      answer =
        plan === undefined
          ? { ok: true, completion: await adapter.generate({ model: payload.route.model, request: payload.request, signal: cancel.signal }) }
          : // Only a valid answer comes back ok; one that never complied fails the route, so its fallback is tried next.
            await structured.generate(adapter, payload, plan, cancel.signal);
    } catch (error) {
      if (cancel.cancelled()) return cancellation.cancelledJob(job, startedAt, performance.now() - callStarted);
      return failure.callFailed(job, error, startedAt, callStarted);
    } finally {
      cancel.release();
    }
    // Outside the try: what the failure path throws (a retry, the final answer) must not be caught as a call failure.
    if (!answer.ok) return failure.callFailed(job, answer.error, startedAt, callStarted, answer);
    const { completion, outcome } = answer;
    if (circuits !== undefined) await circuits.recordSuccess(provider, upstreamModel).catch(() => undefined);
    const model = typeof completion.model === 'string' && SAFE_MODEL.test(completion.model) ? completion.model : payload.route.model;
    const usageCounts = answer.usage ?? completion.usage ?? recorder.countedUsage(payload, 0);
    const body = JSON.stringify(completion);
    if (payload.session !== undefined && sessions !== undefined) {
      // The script that commits a session turn publishes its answer too: the answer goes out only
      // once the turn is in the history, and that costs no extra round trip.
      const out = recorder.encodedReply(payload, chainIdOf(job), model, body, outcome);
      let heard: number;
      try {
        ({ heard } = await sessions.commit(payload, assistantTurnMessage(completion), usageCounts, payload.requestId, out));
      } catch (error) {
        // Not in the history, so not answered either: the caller gets the failure, and the session's next turn may go.
        const failed = SwitchyardError.isInstance(error)
          ? error
          : new ServiceUnavailableError('The answer could not be kept in the session; send the turn again.', { cause: error });
        throw new UnrecoverableError(JSON.stringify(recorder.answerFailure(job, failed, startedAt)));
      }
      if (out !== undefined && heard === 0) recorder.keepUnheard(chainIdOf(job), out.message);
    } else {
      recorder.reply(payload, chainIdOf(job), true, model, body, outcome);
    }
    const { finishedAt, upstreamMs, attempts } = recorder.recordCall(job, {
      status: 'succeeded',
      usage: usageCounts,
      model,
      startedAt,
      callStarted,
      ...(outcome === undefined ? {} : { structured: outcome }),
    });
    recorder.reportEnd(job, { status: 'succeeded', startedAt, finishedAt, attempts, result: completion });
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model,
      response: completion,
      usage: usageCounts,
      timings: { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt },
      attempts,
      ...(outcome === undefined ? {} : { structured: outcome }),
    };
  };
}
