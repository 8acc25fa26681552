import { PROVIDER_KINDS, type ProviderKind } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { createProviderAdapter } from './create-provider-adapter';
import { EmbeddedAdapter } from './embedded/embedded-adapter';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { LlamaCppAdapter } from './llamacpp/llamacpp-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';
import { TgiAdapter } from './tgi/tgi-adapter';

// A Record, so a kind added to PROVIDER_KINDS without a row here does not compile.
const ADAPTER_OF_KIND: Record<ProviderKind, abstract new (...args: never[]) => ProviderAdapter> = {
  openai: OpenAIAdapter,
  'openai-compatible': OpenAIAdapter,
  groq: GroqAdapter,
  gemini: GeminiAdapter,
  ollama: OllamaAdapter,
  llamacpp: LlamaCppAdapter,
  vllm: OpenAIAdapter,
  tgi: TgiAdapter,
  embedded: EmbeddedAdapter,
};

describe('createProviderAdapter', () => {
  const cases = PROVIDER_KINDS.map((kind) => [kind, ADAPTER_OF_KIND[kind]] as const);

  it.each(cases)('builds the %s adapter under the provider name from the routing file', (kind, type) => {
    const adapter = createProviderAdapter({ name: 'primary', kind, baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    expect(adapter).toBeInstanceOf(type);
    expect(adapter.provider).toBe('primary');
  });
});
