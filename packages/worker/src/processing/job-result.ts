import type { ChatCompletion } from '@switchyard/contracts';

/** Safe for a header and for the line-based reply: printable ASCII only. */
export const SAFE_MODEL = /^[\x20-\x7e]{1,256}$/;

/** The result's completion for a job that answered no text itself (forwarded, cancelled, streamed). */
export function emptyCompletion(id: string, model: string, at: number): ChatCompletion {
  return { id, object: 'chat.completion', created: Math.floor(at / 1000), model, choices: [] };
}
