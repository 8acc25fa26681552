import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/contracts';
import { type ChatRequest, Ollama } from 'ollama';
import { deadlineSignal } from '../deadline-signal';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { upstreamEvents } from '../upstream-events';
import { fromOllamaResponse } from './from-ollama-response';
import { mapOllamaError, mapOllamaStreamError } from './map-ollama-error';
import { ollamaStreamChunks } from './ollama-stream-chunks';
import { toOllamaRequest } from './to-ollama-request';

export const OLLAMA_DEFAULT_HOST = 'http://127.0.0.1:11434';

export interface OllamaAdapterSettings {
  provider: string;
  /** The server's address, without `/api` or `/v1`. */
  host?: string;
  timeoutMs?: number;
  /**
   * How long the server keeps the model loaded after each chat, sent as
   * `keep_alive`: seconds, or a duration such as `'30m'`; negative keeps it
   * loaded for good, 0 unloads it at once. Unset leaves the server's default.
   */
  keepAlive?: string | number;
}

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** Ollama's native API through the `ollama` package. */
export class OllamaAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly keepAlive: string | number | undefined;
  private readonly fetch = createNodeHttpFetch();

  constructor(settings: OllamaAdapterSettings) {
    this.provider = settings.provider;
    this.host = settings.host ?? OLLAMA_DEFAULT_HOST;
    this.timeoutMs = settings.timeoutMs ?? 120_000;
    this.keepAlive = settings.keepAlive;
  }

  /** What the server has pulled (`/api/tags`). */
  async listModels(): Promise<string[]> {
    const client = new Ollama({ host: this.host, fetch: this.fetch });
    try {
      return (await client.list()).models.map((model) => model.name);
    } catch (error) {
      throw mapOllamaError(this.provider, error, false);
    }
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    const { signal, timedOut } = deadlineSignal(this.timeoutMs, params.signal);
    // Built outside the try: a request we cannot map is the caller's error, not the provider's.
    const request = this.withKeepAlive(toOllamaRequest(params));
    try {
      return fromOllamaResponse(await this.client(signal).chat(request));
    } catch (error) {
      throw mapOllamaError(this.provider, error, timedOut());
    }
  }

  /** `timeoutMs` bounds the wait for the first message and between two, not the whole answer. */
  async *stream(params: GenerateParams): AsyncGenerator<ChatCompletionChunk> {
    // Built before the call: a request Ollama cannot take is the caller's error, not the provider's.
    const request = { ...this.withKeepAlive(toOllamaRequest(params)), stream: true as const };
    const messages = upstreamEvents({
      provider: this.provider,
      idleTimeoutMs: this.timeoutMs,
      signal: params.signal,
      open: (signal) => this.client(signal).chat(request),
      mapError: (error) => mapOllamaStreamError(this.provider, error),
    });
    yield* ollamaStreamChunks(this.provider, messages);
  }

  /** Loads `model` into memory ahead of its first request, for `keepAlive` when set: a chat without messages. */
  async preload(model: string): Promise<void> {
    await this.load(this.withKeepAlive({ model, messages: [] }));
  }

  /** Frees the memory `model` holds: a chat without messages and with `keep_alive` 0. */
  async unload(model: string): Promise<void> {
    await this.load({ model, messages: [], keep_alive: 0 });
  }

  private async load(request: ChatRequest): Promise<void> {
    const { signal, timedOut } = deadlineSignal(this.timeoutMs);
    try {
      await this.client(signal).chat({ ...request, stream: false });
    } catch (error) {
      throw mapOllamaError(this.provider, error, timedOut());
    }
  }

  private withKeepAlive<R extends ChatRequest>(request: R): R {
    return this.keepAlive === undefined ? request : { ...request, keep_alive: this.keepAlive };
  }

  /**
   * The package's own abort() cancels every request of a client; a client per
   * call (it only holds its settings) gives each call its own cancellation.
   */
  private client(signal: AbortSignal): Ollama {
    return new Ollama({ host: this.host, fetch: ((input, init) => this.fetch(input, { ...init, signal })) as typeof fetch });
  }
}
