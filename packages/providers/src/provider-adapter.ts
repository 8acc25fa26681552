import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@switchyard/contracts';

export interface ProviderCapabilities {
  streaming: boolean;
  tools: boolean;
  jsonMode: boolean;
  jsonSchema: boolean;
  vision: boolean;
}

export interface GenerateParams {
  /** The provider's own model id (routing has already resolved aliases). */
  model: string;
  request: ChatCompletionRequest;
  /** Aborts the upstream call when the job is cancelled or the worker shuts down hard. */
  signal?: AbortSignal;
}

/**
 * One adapter per provider family. Every failure leaves an adapter as a
 * `ProviderError`, so callers decide retries and fallbacks on `kind` and
 * `retryable` without knowing which SDK was used.
 */
export interface ProviderAdapter {
  readonly provider: string;
  readonly capabilities: ProviderCapabilities;
  generate(params: GenerateParams): Promise<ChatCompletion>;
  /**
   * The completion as OpenAI `chat.completion.chunk`s, in order, whatever the
   * upstream's own format. The first chunk carries `delta.role`; the last
   * carries `usage` (with empty `choices`) whenever the upstream reports it,
   * whether or not the caller asked for it. A failure before the first chunk
   * or mid-stream is thrown from the iterator as a `ProviderError`; aborting
   * `signal` closes the upstream connection.
   */
  stream(params: GenerateParams): AsyncIterable<ChatCompletionChunk>;
  /** Provider-accurate prompt token count, where the provider offers one. */
  countTokens?(params: GenerateParams): Promise<number>;
  /** Whether the backend can serve now (a local server still loading its model cannot); never throws. */
  health?(): Promise<{ ok: boolean }>;
  /** The models the backend has right now (a local server's pulled or loaded models). */
  listModels?(): Promise<string[]>;
  /** Loads the model into the backend's memory ahead of its first request (a local server's models). */
  preload?(model: string): Promise<void>;
  /** Frees the memory the model holds on the backend until it is next asked for. */
  unload?(model: string): Promise<void>;
  close?(): Promise<void>;
}
