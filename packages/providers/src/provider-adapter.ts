import type { ChatCompletion, ChatCompletionRequest } from '@switchyard/contracts';

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
  /** Streaming chunks in OpenAI's format; adapters add it as the streaming path lands. */
  stream?(params: GenerateParams): AsyncIterable<unknown>;
  /** Provider-accurate prompt token count, where the provider offers one. */
  countTokens?(params: GenerateParams): Promise<number>;
  /** The models the backend has right now (a local server's pulled or loaded models). */
  listModels?(): Promise<string[]>;
  close?(): Promise<void>;
}
