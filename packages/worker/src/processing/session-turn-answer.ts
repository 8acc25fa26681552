import type { ChatCompletion, ChatCompletionChunk, LlmJobPayload, LlmJobResult } from '@switchyard/contracts';
import { buildUsageRecord } from '@switchyard/database';
import { SSE_DONE, StreamPublisher, sseEvent } from '@switchyard/queue';
import type { CachedTurn } from '@switchyard/sessions';
import type { Job } from 'bullmq';
import { chainIdOf, totalAttempts } from './job-chain';
import { jobTimings } from './job-result';
import type { OutcomeRecorder } from './outcome-recording';

/**
 * A session turn whose job runs again after its turn was written (its worker
 * died between writing the turn and finishing the job): the caller gets the
 * written answer, and the provider is not asked twice.
 */
export type SessionTurnAnswer = (job: Job<LlmJobPayload>, turn: CachedTurn, startedAt: number) => LlmJobResult;

export function createSessionTurnAnswer(recorder: OutcomeRecorder, publisher: ConstructorParameters<typeof StreamPublisher>[0]): SessionTurnAnswer {
  return (job, turn, startedAt) => {
    const payload = job.data;
    const chainId = chainIdOf(job);
    const model = payload.route.model;
    const finishedAt = Date.now();
    const message = turn.messages[turn.messages.length - 1] as ChatCompletion['choices'][number]['message'];
    const finish = (message as { tool_calls?: unknown[] }).tool_calls === undefined ? 'stop' : 'tool_calls';
    const completion: ChatCompletion = {
      id: chainId,
      object: 'chat.completion',
      created: Math.floor(finishedAt / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage: turn.usage,
    };
    if (payload.request.stream === true) {
      const chunk: ChatCompletionChunk = {
        id: chainId,
        object: 'chat.completion.chunk',
        created: completion.created,
        model,
        choices: [{ index: 0, delta: message as ChatCompletionChunk['choices'][number]['delta'], finish_reason: finish }],
      };
      const out = new StreamPublisher(publisher, payload.replyTo ?? '', chainId, payload.route.provider, model, () => undefined);
      out.push(sseEvent(chunk));
      out.end(SSE_DONE);
    } else {
      recorder.reply(payload, chainId, true, model, JSON.stringify(completion));
    }
    const attempts = totalAttempts(job);
    recorder.recordEnd(
      payload,
      buildUsageRecord(payload, { jobId: chainId, tried: payload.tried ?? [], status: 'succeeded', usage: turn.usage, startedAt, finishedAt, attempts }),
    );
    recorder.reportEnd(job, { status: 'succeeded', startedAt, finishedAt, attempts, result: completion });
    return {
      requestId: payload.requestId,
      provider: payload.route.provider,
      model,
      response: completion,
      usage: turn.usage,
      timings: jobTimings(payload, startedAt, 0, finishedAt),
      attempts,
    };
  };
}
