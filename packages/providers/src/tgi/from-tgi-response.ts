import { randomUUID } from 'node:crypto';
import { type ChatCompletion, type FinishReason, ProviderError, ProviderErrorKind } from '@switchyard/contracts';

/** The fields of TGI's `/generate` answer that are read; `details` comes with `details: true`. */
export interface TgiGenerateResponse {
  generated_text: string;
  details?: {
    finish_reason?: string;
    generated_tokens?: number;
    prefill?: unknown[];
  } | null;
}

/** TGI's end-of-sequence token and a matched stop sequence both end the answer where the model meant it to. */
export function tgiFinishReason(reason: string | undefined): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}

/** TGI keeps the stop sequence it matched at the end of the text; OpenAI's answers leave it out. */
export function withoutStopSequence(text: string, reason: string | undefined, stop: readonly string[]): string {
  if (reason !== 'stop_sequence') return text;
  let longest = '';
  for (const sequence of stop) if (sequence.length > longest.length && text.endsWith(sequence)) longest = sequence;
  return longest === '' ? text : text.slice(0, -longest.length);
}

function isResponse(value: unknown): value is TgiGenerateResponse {
  return value !== null && typeof value === 'object' && typeof (value as { generated_text?: unknown }).generated_text === 'string';
}

/**
 * TGI's answer as an OpenAI chat completion. Usage comes from the details:
 * the prefill lists the prompt's tokens, and `generated_tokens` counts the
 * completion; without details there is no usage to report.
 */
export function fromTgiResponse(provider: string, model: string, body: unknown, stop: readonly string[]): ChatCompletion {
  if (!isResponse(body)) {
    throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response has no generated_text' });
  }
  const details = body.details ?? undefined;
  const reason = details?.finish_reason;
  const completion: ChatCompletion = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: withoutStopSequence(body.generated_text, reason, stop) },
        finish_reason: tgiFinishReason(reason),
        logprobs: null,
      },
    ],
  };
  if (details !== undefined && typeof details.generated_tokens === 'number') {
    const prompt = Array.isArray(details.prefill) ? details.prefill.length : 0;
    const generated = details.generated_tokens;
    completion.usage = { prompt_tokens: prompt, completion_tokens: generated, total_tokens: prompt + generated };
  }
  return completion;
}
