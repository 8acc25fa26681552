import type { ChatCompletionRequest } from '@switchyard/contracts';
import { boundLines } from './validation-errors';

/** The bad answer quoted back is cut to this many characters: the model needs to see its mistake, not pay for it twice. */
export const MAX_QUOTED_ANSWER_CHARS = 8_000;

/**
 * `request` (as it was sent, after `prepareStructuredRequest`) followed by
 * the model's bad answer and a user turn quoting what is wrong with it, so
 * the model can correct its own answer rather than start over.
 */
export function reaskRequest(request: ChatCompletionRequest, badAnswer: string, errors: string[]): ChatCompletionRequest {
  const quoted = badAnswer.length > MAX_QUOTED_ANSWER_CHARS ? `${badAnswer.slice(0, MAX_QUOTED_ANSWER_CHARS)}…` : badAnswer;
  const problems = boundLines(errors.length > 0 ? errors : ['The answer does not match the required JSON Schema.']);
  const correction = [
    'Your previous answer is not valid against the required JSON Schema:',
    ...problems.map((line) => `- ${line}`),
    'Reply with the corrected JSON only: no prose, no Markdown code fences.',
  ].join('\n');
  return {
    ...request,
    messages: [...request.messages, { role: 'assistant', content: quoted }, { role: 'user', content: correction }],
  };
}
