import { type ChatCompletion, ProviderError, ProviderErrorKind } from '@switchyard/contracts';

/** An answer without choices is not one: it is reported as a malformed response, which may be retried. */
export function assertChatCompletion(provider: string, value: unknown): ChatCompletion {
  if (typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices)) {
    return value as ChatCompletion;
  }
  throw new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response has no choices' });
}
