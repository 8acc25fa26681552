import { type LlmJobPayload, type LlmJobResult, ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';
import type { ProviderAdapter } from '@switchyard/providers';
import { assistantTurnMessage } from '@switchyard/sessions';
import { type Job, UnrecoverableError } from 'bullmq';
import { chainIdOf } from './job-chain';
import { jobTimings } from './job-result';
import type { LlmJobProcessorDeps } from './llm-job-processor-deps';
import type { OutcomeRecorder } from './outcome-recording';
import { answeredModel, type CallAnswer, type SettledCall } from './settled-call';
import type { StructuredCall } from './structured-call';

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
  { recorder, settle, structured }: { recorder: OutcomeRecorder; settle: SettledCall; structured: StructuredCall },
): PlainCall {
  return async (job, payload, adapter, startedAt, signal) => {
    const { provider, model: upstreamModel } = payload.route;
    const plan = structured.planOf(payload);
    const settled = await settle(
      job,
      startedAt,
      signal,
      async (cancelSignal): Promise<CallAnswer> =>
        plan === undefined
          ? { ok: true, completion: await adapter.generate({ model: payload.route.model, request: payload.request, signal: cancelSignal }) }
          : // Only a valid answer comes back ok; one that never complied fails the route, so its fallback is tried next.
            structured.generate(adapter, payload, plan, cancelSignal),
    );
    if (!settled.ok) return settled.result;
    const { answer, callStarted } = settled;
    const { completion, outcome } = answer;
    if (circuits !== undefined) await circuits.recordSuccess(provider, upstreamModel).catch(() => undefined);
    const model = answeredModel(completion, payload);
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
      timings: jobTimings(payload, startedAt, upstreamMs, finishedAt),
      attempts,
      ...(outcome === undefined ? {} : { structured: outcome }),
    };
  };
}
