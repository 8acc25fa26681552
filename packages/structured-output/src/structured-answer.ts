import type { ChatCompletion } from '@switchyard/contracts';
import type { StructuredMode } from './structured-mode';

/**
 * The text that should be the JSON answer: the first choice's content, or in
 * tool mode the forced call's arguments. Some models answer a forced tool in
 * plain content anyway, so tool mode falls back to the content.
 */
export function answerTextOf(completion: ChatCompletion, mode: StructuredMode): string | undefined {
  const message = completion.choices[0]?.message;
  if (message === undefined) return undefined;
  if (mode === 'tool') {
    const call = message.tool_calls?.[0];
    if (call !== undefined) return call.function.arguments;
  }
  return message.content ?? undefined;
}

/**
 * The completion the caller gets: the first choice's content is the checked
 * JSON text. In tool mode the call was the means, not the answer, so it is
 * removed and the choice finishes with `stop`, as a native answer would.
 */
export function withStructuredAnswer(completion: ChatCompletion, text: string, mode: StructuredMode): ChatCompletion {
  const [first, ...others] = completion.choices;
  if (first === undefined) return completion;
  const { tool_calls: _calls, ...message } = first.message;
  const answered =
    mode === 'tool'
      ? { ...first, message: { ...message, content: text }, finish_reason: 'stop' as const }
      : { ...first, message: { ...first.message, content: text } };
  return { ...completion, choices: [answered, ...others] };
}
