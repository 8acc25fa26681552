import { type ChatCompletionChunk, type CompletionUsage, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { streamCutError } from '../stream-chunks';

type Choice = ChatCompletionChunk['choices'][number];

function malformed(provider: string, message: string): ProviderError {
  return new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function usageOf(value: unknown): CompletionUsage | undefined {
  if (!isObject(value)) return undefined;
  const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = value;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: typeof total === 'number' ? total : prompt + completion };
}

/**
 * An OpenAI-compatible upstream's chunks as the adapter contract wants them.
 * They pass through as they are, except that the first delta of each choice
 * gets `role` where the server left it out (older llama.cpp and vLLM builds),
 * usage is taken off whatever chunk carried it (some servers put it on the
 * finish chunk, Groq in `x_groq`) and sent alone as the last chunk, and
 * chunks with neither choices nor usage (Azure's prompt filter results) are
 * dropped. The SDKs swallow `[DONE]` and end quietly when the connection
 * closes, so a stream without any finish reason counts as cut.
 */
export async function* openAIStreamChunks(provider: string, events: AsyncIterable<unknown>): AsyncGenerator<ChatCompletionChunk> {
  const started = new Set<number>();
  let finished = false;
  let usage: CompletionUsage | undefined;
  let last: ChatCompletionChunk | undefined;

  for await (const event of events) {
    if (!isObject(event) || !Array.isArray(event.choices)) throw malformed(provider, 'stream chunk has no choices');
    const { usage: chunkUsage, x_groq: groq, ...rest } = event;
    usage = usageOf(chunkUsage) ?? (isObject(groq) ? usageOf(groq.usage) : undefined) ?? usage;
    const chunk = rest as ChatCompletionChunk;
    last = chunk;
    if (chunk.choices.length === 0) continue;
    for (const choice of chunk.choices as Choice[]) {
      if (!isObject(choice) || typeof choice.index !== 'number') throw malformed(provider, 'stream chunk has a choice without an index');
      if (!isObject(choice.delta)) choice.delta = {};
      if (!started.has(choice.index)) {
        started.add(choice.index);
        if (choice.delta.role === undefined) choice.delta = { role: 'assistant', ...choice.delta };
      }
      if (choice.finish_reason === undefined) choice.finish_reason = null;
      if (choice.finish_reason !== null) finished = true;
    }
    yield chunk;
  }

  if (!finished || last === undefined) throw streamCutError(provider);
  if (usage !== undefined) {
    const { id, created, model, system_fingerprint } = last;
    yield { id, object: 'chat.completion.chunk', created, model, ...(system_fingerprint == null ? {} : { system_fingerprint }), choices: [], usage };
  }
}
