import type { ProviderCapabilities } from '../provider-adapter';
import { type ChatSdkClient, SdkChatAdapter, sdkClientOptions } from '../sdk-chat-adapter';

export const GROQ_DEFAULT_BASE_URL = 'https://api.groq.com';

export interface GroqAdapterSettings {
  provider: string;
  /** Groq's host without `/openai/v1`; the SDK adds it. */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

const CAPABILITIES: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: true };

/** Groq through its own SDK: its body is OpenAI's, so only the client differs. */
export class GroqAdapter extends SdkChatAdapter {
  readonly capabilities: ProviderCapabilities = CAPABILITIES;

  constructor(settings: GroqAdapterSettings) {
    // Loaded at the first Groq adapter, not at import: a process without a Groq provider never needs the SDK.
    const { Groq } = require('groq-sdk') as typeof import('groq-sdk');
    const client = new Groq(sdkClientOptions(settings, GROQ_DEFAULT_BASE_URL));
    super(settings.provider, client as unknown as ChatSdkClient, Groq, settings.timeoutMs);
  }
}
