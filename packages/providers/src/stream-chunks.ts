import { randomUUID } from 'node:crypto';
import { type ChatCompletionChunk, type CompletionUsage, type FinishReason, ProviderError, ProviderErrorKind } from '@switchyard/contracts';

type ChunkDelta = ChatCompletionChunk['choices'][number]['delta'];

export function newCompletionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

export function usageOf(prompt: number, completion: number, total = prompt + completion): CompletionUsage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}

/**
 * Writes the chunks of one streamed completion for adapters whose upstream
 * has its own format: one id, creation time and model on every chunk, and
 * `role` on the first delta of each choice, as OpenAI sends them.
 */
export class ChunkWriter {
  private readonly started = new Set<number>();

  constructor(
    readonly id: string,
    readonly model: string,
    readonly created: number = Math.floor(Date.now() / 1000),
  ) {}

  /** One choice's delta, and its finish reason when it is the last. */
  delta(index: number, delta: Omit<ChunkDelta, 'role'>, finishReason: FinishReason | null = null): ChatCompletionChunk {
    const first = !this.started.has(index);
    if (first) this.started.add(index);
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta: first ? { role: 'assistant', ...delta } : delta, finish_reason: finishReason, logprobs: null }],
    };
  }

  /** The last chunk of a stream: no choices, the token usage of the whole completion. */
  usage(usage: CompletionUsage): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage };
  }
}

/** A stream that stopped before the upstream said it was done: a cut connection, which may be retried. */
export function streamCutError(provider: string, cause?: unknown): ProviderError {
  return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: 'stream ended before the upstream finished it', cause });
}
