import type { ChatCompletion } from '@switchyard/contracts';
import OpenAI from 'openai';
import { assertChatCompletion } from '../assert-chat-completion';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import { mapSdkError } from '../map-sdk-error';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai-config';
import { toOpenAIRequest } from './to-openai-request';

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** OpenAI and every host that speaks its Chat Completions API (vLLM, Gemini's compatible endpoint, Ollama's /v1). */
export class OpenAIAdapter implements ProviderAdapter {
  readonly provider: string;
  readonly capabilities = CAPABILITIES;
  private readonly client: OpenAI;

  constructor(settings: OpenAIAdapterSettings) {
    this.provider = settings.provider;
    this.client = new OpenAI({
      // Local OpenAI-compatible servers accept any key; the SDK insists on one.
      apiKey: settings.apiKey ?? 'not-needed',
      baseURL: settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      timeout: settings.timeoutMs ?? 60_000,
      // Retries are decided by Switchyard, which knows the job's deadline and fallbacks.
      maxRetries: 0,
      // A keep-alive pool of its own per provider, without the built-in fetch's per-call cost.
      fetch: createNodeHttpFetch(),
    });
  }

  async generate(params: GenerateParams): Promise<ChatCompletion> {
    let completion: unknown;
    try {
      completion = await this.client.chat.completions.create(toOpenAIRequest(params), { signal: params.signal });
    } catch (error) {
      throw mapSdkError(this.provider, error, OpenAI);
    }
    return assertChatCompletion(this.provider, completion);
  }

  async listModels(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const model of this.client.models.list()) ids.push(model.id);
    } catch (error) {
      throw mapSdkError(this.provider, error, OpenAI);
    }
    return ids;
  }
}
