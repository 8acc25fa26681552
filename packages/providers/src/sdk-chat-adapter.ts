import { type ChatCompletion, type ChatCompletionChunk, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import type OpenAI from 'openai';
import { assertChatCompletion } from './assert-chat-completion';
import { createNodeHttpFetch } from './http/node-http-fetch';
import { mapSdkError, type SdkErrorClasses } from './map-sdk-error';
import { openAIStreamChunks } from './openai/openai-stream-chunks';
import { toOpenAIRequest } from './openai/to-openai-request';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from './provider-adapter';
import { upstreamEvents } from './upstream-events';

export const SDK_DEFAULT_TIMEOUT_MS = 60_000;

export interface SdkClientSettings {
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
}

/** Options both SDKs take, set the same way for every provider. */
export function sdkClientOptions(settings: SdkClientSettings, defaultBaseUrl: string) {
  return {
    // Local OpenAI-compatible servers accept any key; the SDKs insist on one.
    apiKey: settings.apiKey ?? 'not-needed',
    baseURL: settings.baseUrl ?? defaultBaseUrl,
    // Both SDKs bound only the wait for the response headers with it, never a stream's body.
    timeout: settings.timeoutMs ?? SDK_DEFAULT_TIMEOUT_MS,
    // Retries are decided by Switchyard, which knows the job's deadline and fallbacks.
    maxRetries: 0,
    // The SDKs log an unparseable chunk's raw text, which is the user's content; our errors say what failed instead.
    logLevel: 'off' as const,
    // A keep-alive pool of its own per provider, without the built-in fetch's per-call cost.
    fetch: createNodeHttpFetch(),
  };
}

/** The one call the OpenAI and Groq SDKs share (both are generated from OpenAI-style specs). */
export interface ChatSdkClient {
  chat: { completions: { create(body: never, options: { signal?: AbortSignal }): PromiseLike<unknown> } };
}

/**
 * An adapter over any SDK whose request body is OpenAI's: the body mapping,
 * the error mapping and the answer check are the same; only the client differs.
 */
export abstract class SdkChatAdapter implements ProviderAdapter {
  abstract readonly capabilities: ProviderCapabilities;

  protected constructor(
    readonly provider: string,
    private readonly chatClient: ChatSdkClient,
    protected readonly errors: SdkErrorClasses,
    /** The stream's idle deadline: the longest wait for its first chunk and between two chunks. */
    private readonly timeoutMs: number = SDK_DEFAULT_TIMEOUT_MS,
  ) {}

  /** The body sent for `params`; a host whose OpenAI dialect differs (llama.cpp, TGI) says its own way here. */
  protected requestBody(params: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
    return toOpenAIRequest(params);
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    let completion: unknown;
    try {
      completion = await this.chatClient.chat.completions.create(this.requestBody(params) as never, { signal: params.signal });
    } catch (error) {
      throw mapSdkError(this.provider, error, this.errors);
    }
    return assertChatCompletion(this.provider, completion);
  }

  /**
   * Usage is always asked for, so that the worker can record tokens whether
   * or not the caller wanted them in the stream.
   */
  async *stream(params: GenerateParams): AsyncGenerator<ChatCompletionChunk> {
    const body = { ...this.requestBody(params), stream: true, stream_options: { include_usage: true } };
    const events = upstreamEvents<unknown>({
      provider: this.provider,
      idleTimeoutMs: this.timeoutMs,
      signal: params.signal,
      // The SDK's stream is an async iterable of parsed chunks; its request follows `signal`.
      open: (signal) => this.chatClient.chat.completions.create(body as never, { signal }) as PromiseLike<AsyncIterable<unknown>>,
      mapError: (error) => this.streamError(error),
    });
    yield* openAIStreamChunks(this.provider, events);
  }

  /**
   * As `generate` maps failures, except for what breaks a stream after it
   * started: an error event (an `APIError` without a status, whose text is
   * the provider's internals) or the socket's own error (`aborted`), which
   * the SDK passes on as it is.
   */
  private streamError(error: unknown): ProviderError {
    const mapped = mapSdkError(this.provider, error, this.errors);
    if (mapped.kind !== ProviderErrorKind.Server || mapped.upstreamStatus !== undefined || error instanceof this.errors.APIConnectionError) return mapped;
    const message = error instanceof this.errors.APIError ? 'upstream sent an error mid-stream' : 'connection lost mid-stream';
    return new ProviderError({ kind: ProviderErrorKind.Server, provider: this.provider, message, cause: error });
  }
}
