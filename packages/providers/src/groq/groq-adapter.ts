import type { ChatCompletion } from '@switchyard/contracts';
import Groq from 'groq-sdk';
import type { ChatCompletionCreateParamsNonStreaming } from 'groq-sdk/resources/chat/completions';
import { assertChatCompletion } from '../assert-chat-completion';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import { mapSdkError } from '../map-sdk-error';
import { toOpenAIRequest } from '../openai/to-openai-request';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';

export const GROQ_DEFAULT_BASE_URL = 'https://api.groq.com';

export interface GroqAdapterSettings {
  provider: string;
  /** Groq's host without `/openai/v1`; the SDK adds it. */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** Groq through its own SDK: its body is OpenAI's, so the request mapping is shared. */
export class GroqAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  private readonly client: Groq;

  constructor(settings: GroqAdapterSettings) {
    this.provider = settings.provider;
    this.client = new Groq({
      apiKey: settings.apiKey ?? 'not-needed',
      baseURL: settings.baseUrl ?? GROQ_DEFAULT_BASE_URL,
      timeout: settings.timeoutMs ?? 60_000,
      maxRetries: 0,
      fetch: createNodeHttpFetch(),
    });
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    let completion: unknown;
    try {
      completion = await this.client.chat.completions.create(toOpenAIRequest(params) as ChatCompletionCreateParamsNonStreaming, {
        signal: params.signal,
      });
    } catch (error) {
      throw mapSdkError(this.provider, error, Groq);
    }
    return assertChatCompletion(this.provider, completion);
  }
}
