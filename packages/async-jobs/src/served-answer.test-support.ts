import type { LlmJobPayload, LlmJobResult } from '@switchyard/contracts';

/** The provider whose test worker answers at once. */
export const SERVED = 'served';

/** What a worker serving `SERVED` returns for `job`: a one-choice completion saying `content`. */
export function servedAnswer(job: { data: LlmJobPayload }, content: string): LlmJobResult {
  const response = {
    id: 'c1',
    object: 'chat.completion' as const,
    created: 1,
    model: 'echo',
    choices: [{ index: 0, message: { role: 'assistant' as const, content }, finish_reason: 'stop' as const }],
  };
  return {
    requestId: job.data.requestId,
    provider: SERVED,
    model: 'echo',
    response,
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    timings: { queueMs: 0, upstreamMs: 0, totalMs: 0 },
    attempts: 1,
  };
}
