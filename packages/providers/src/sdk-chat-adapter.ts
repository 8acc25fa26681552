import type { ChatCompletion } from '@switchyard/contracts';
import { assertChatCompletion } from './assert-chat-completion';
import { mapSdkError, type SdkErrorClasses } from './map-sdk-error';
import { toOpenAIRequest } from './openai/to-openai-request';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from './provider-adapter';

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
