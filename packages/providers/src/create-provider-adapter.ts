import type { EnabledProvider } from '@switchyard/config';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';

/** Builds the adapter for one configured provider. */
export function createProviderAdapter(provider: EnabledProvider): ProviderAdapter {
  switch (provider.kind) {
    case 'openai':
    case 'openai-compatible':
      return new OpenAIAdapter({
        provider: provider.name,
        baseUrl: provider.baseUrl,
        apiKey: provider.apiKey,
        timeoutMs: provider.timeoutMs,
      });
  }
}
