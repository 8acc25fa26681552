import type { ChatCompletion } from '@switchyard/contracts';
import { assertChatCompletion } from './assert-chat-completion';
import { createNodeHttpFetch } from './http/node-http-fetch';
import { mapSdkError, type SdkErrorClasses } from './map-sdk-error';
import { toOpenAIRequest } from './openai/to-openai-request';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from './provider-adapter';

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
    timeout: settings.timeoutMs ?? 60_000,
    // Retries are decided by Switchyard, which knows the job's deadline and fallbacks.
    maxRetries: 0,
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
  ) {}

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    let completion: unknown;
    try {
      completion = await this.chatClient.chat.completions.create(toOpenAIRequest(params) as never, { signal: params.signal });
    } catch (error) {
      throw mapSdkError(this.provider, error, this.errors);
    }
    return assertChatCompletion(this.provider, completion);
  }
}
