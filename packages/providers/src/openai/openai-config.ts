export interface OpenAIAdapterSettings {
  /** The name this provider has in the routing config; errors and usage rows carry it. */
  provider: string;
  /** Defaults to OpenAI's own API; any OpenAI-compatible host works. */
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
