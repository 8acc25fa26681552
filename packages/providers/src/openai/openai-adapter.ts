import type OpenAI from 'openai';
import { mapSdkError } from '../map-sdk-error';
import type { ProviderCapabilities } from '../provider-adapter';
import { type ChatSdkClient, SdkChatAdapter, sdkClientOptions } from '../sdk-chat-adapter';
import { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai-config';

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** OpenAI and every host that speaks its Chat Completions API (vLLM, llama.cpp, Gemini's compatible endpoint, Ollama's /v1). */
export class OpenAIAdapter extends SdkChatAdapter {
  readonly capabilities: ProviderCapabilities = CAPABILITIES;
  private readonly client: OpenAI;
  private readonly sdk: typeof OpenAI;

  constructor(settings: OpenAIAdapterSettings) {
    // Loaded at the first adapter, not at import: the SDK is some 150 modules and 12 MB that a process serving no OpenAI-style provider never uses.
    const { OpenAI: Sdk } = require('openai') as typeof import('openai');
    const client = new Sdk(sdkClientOptions(settings, OPENAI_DEFAULT_BASE_URL));
    super(settings.provider, client as unknown as ChatSdkClient, Sdk, settings.timeoutMs);
    this.client = client;
    this.sdk = Sdk;
  }

  async listModels(): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const model of this.client.models.list()) ids.push(model.id);
    } catch (error) {
      throw mapSdkError(this.provider, error, this.sdk);
    }
    return ids;
  }
}
