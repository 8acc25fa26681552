import { type ChatCompletionChunk, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { ChunkWriter, newCompletionId, streamCutError, usageOf } from '../stream-chunks';
import { tgiFinishReason, withoutStopSequence } from './from-tgi-response';

/** One event of TGI's `/generate_stream`; the last one has `generated_text` and, with `details: true`, the details. */
interface TgiStreamEvent {
  token?: { text?: string; special?: boolean } | null;
  generated_text?: string | null;
  details?: { finish_reason?: string; generated_tokens?: number; input_length?: number } | null;
  /** An error TGI met after the stream had started. */
  error?: string;
  error_type?: string;
}

function parseEvent(provider: string, data: string): TgiStreamEvent {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch (error) {
    throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'stream event is not valid JSON', cause: error });
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'stream event is not an object' });
  }
  return event as TgiStreamEvent;
}

/**
 * How much of the end of `text` could still grow into one of the stop
 * sequences (or is one): held back until the next token says whether it does.
 */
export function stopSequencePrefixLength(text: string, stop: readonly string[]): number {
  let held = 0;
  for (const sequence of stop) {
    for (let length = Math.min(sequence.length, text.length); length > held; length--) {
      if (text.endsWith(sequence.slice(0, length))) {
        held = length;
        break;
      }
    }
  }
  return held;
}

/**
 * TGI's native stream as OpenAI chunks. Every token's text is content, but
 * special tokens (the end-of-sequence token) are not text. TGI keeps a matched
 * stop sequence in its text; the non-streamed answer drops it, so text that
 * may be the start of one is held back until it is known not to be. The last
 * event's details give the finish reason and the usage (`input_length` is
 * the prompt). A stream that ends without its last event was cut.
 */
export async function* tgiStreamChunks(
  provider: string,
  model: string,
  events: AsyncIterable<string>,
  stop: readonly string[],
): AsyncGenerator<ChatCompletionChunk> {
  const writer = new ChunkWriter(newCompletionId(), model);
  let held = '';
  let last: TgiStreamEvent | undefined;

  for await (const data of events) {
    if (last !== undefined) continue;
    const event = parseEvent(provider, data);
    if (typeof event.error === 'string') {
      const kind = event.error_type === 'overloaded' ? ProviderErrorKind.Overloaded : ProviderErrorKind.Server;
      throw new ProviderError({ kind, provider, message: `generation failed mid-stream (${event.error_type ?? 'error'})` });
    }
    if (event.token && event.token.special !== true && typeof event.token.text === 'string') held += event.token.text;
    if (event.generated_text == null && event.details == null) {
      const ready = held.length - stopSequencePrefixLength(held, stop);
      if (ready > 0) {
        yield writer.delta(0, { content: held.slice(0, ready) });
        held = held.slice(ready);
      }
      continue;
    }
    last = event;
    const reason = event.details?.finish_reason;
    const rest = withoutStopSequence(held, reason, stop);
    if (rest !== '') yield writer.delta(0, { content: rest });
    yield writer.delta(0, {}, tgiFinishReason(reason));
  }

  if (last === undefined) throw streamCutError(provider);
  const generated = last.details?.generated_tokens;
  if (typeof generated === 'number') yield writer.usage(usageOf(last.details?.input_length ?? 0, generated));
}
