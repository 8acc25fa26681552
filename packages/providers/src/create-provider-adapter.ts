import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';

/** What an adapter needs to know about one configured provider; the routing config's entries fit it. */
export interface ProviderSettings {
  name: string;
  kind: 'openai' | 'openai-compatible' | 'groq' | 'gemini' | 'ollama';
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** Builds the adapter for one configured provider. */
export function createProviderAdapter(settings: ProviderSettings): ProviderAdapter {
  switch (settings.kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAIAdapter({
        provider: settings.name,
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        timeoutMs: settings.timeoutMs,
      });
    case 'groq':
      return new GroqAdapter({ provider: settings.name, baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    case 'gemini':
      return new GeminiAdapter({ provider: settings.name, baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs });
    case 'ollama':
      return new OllamaAdapter({ provider: settings.name, host: settings.baseUrl, timeoutMs: settings.timeoutMs });
  }
}
