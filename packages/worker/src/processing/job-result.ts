import type { ChatCompletion, JobTimings, LlmJobPayload } from '@switchyard/contracts';

/** Safe for a header and for the line-based reply: printable ASCII only. */
export const SAFE_MODEL = /^[\x20-\x7e]{1,256}$/;

/** The result's completion for a job that answered no text itself (forwarded, cancelled, streamed). */
export function emptyCompletion(id: string, model: string, at: number): ChatCompletion {
  return { id, object: 'chat.completion', created: Math.floor(at / 1000), model, choices: [] };
}

/** A result's timings: the wait in the queue until `startedAt`, the provider calls, and the whole from enqueue to `finishedAt`. */
export function jobTimings(payload: Pick<LlmJobPayload, 'enqueuedAt'>, startedAt: number, upstreamMs: number, finishedAt: number): JobTimings {
  return { queueMs: startedAt - payload.enqueuedAt, upstreamMs, totalMs: finishedAt - payload.enqueuedAt };
}
