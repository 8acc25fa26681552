import { type ChatCompletion, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import OpenAI from 'openai';
import { createNodeHttpFetch } from '../http/node-http-fetch';
import type { GenerateParams, ProviderAdapter, ProviderCapabilities } from '../provider-adapter';
import { mapOpenAIError } from './map-openai-error';
import { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai-config';
import { toOpenAIRequest } from './to-openai-request';

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** OpenAI and every host that speaks its Chat Completions API (vLLM, Groq's and Gemini's compatible endpoints, Ollama's /v1). */
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
      throw mapOpenAIError(this.provider, error);
    }
    if (!isChatCompletion(completion)) {
      throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider: this.provider, message: 'response has no choices' });
    }
    return completion;
  }
}

function isChatCompletion(value: unknown): value is ChatCompletion {
  return typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices);
}
