import { describe, expect, it } from 'vitest';
import { createProviderAdapter } from './create-provider-adapter';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { LlamaCppAdapter } from './llamacpp/llamacpp-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import { TgiAdapter } from './tgi/tgi-adapter';

describe('createProviderAdapter', () => {
  it.each([
    ['openai', OpenAIAdapter],
    ['openai-compatible', OpenAIAdapter],
    ['groq', GroqAdapter],
    ['gemini', GeminiAdapter],
    ['ollama', OllamaAdapter],
    ['llamacpp', LlamaCppAdapter],
    ['vllm', OpenAIAdapter],
    ['tgi', TgiAdapter],
  ] as const)('builds the %s adapter under the provider name from the routing file', (kind, type) => {
    const adapter = createProviderAdapter({ name: 'primary', kind, baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    expect(adapter).toBeInstanceOf(type);
    expect(adapter.provider).toBe('primary');
  });
});
