import OpenAI from 'openai';
import { mapSdkError } from '../map-sdk-error';
import type { ProviderCapabilities } from '../provider-adapter';
import { type ChatSdkClient, SdkChatAdapter, sdkClientOptions } from '../sdk-chat-adapter';
import { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai-config';

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** OpenAI and every host that speaks its Chat Completions API (vLLM, llama.cpp, Gemini's compatible endpoint, Ollama's /v1). */
export class OpenAIAdapter extends SdkChatAdapter {
  readonly capabilities: ProviderCapabilities = CAPABILITIES;
  private readonly client: OpenAI;

  constructor(settings: OpenAIAdapterSettings) {
    const client = new OpenAI(sdkClientOptions(settings, OPENAI_DEFAULT_BASE_URL));
    super(settings.provider, client as unknown as ChatSdkClient, OpenAI, settings.timeoutMs);
    this.client = client;
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
