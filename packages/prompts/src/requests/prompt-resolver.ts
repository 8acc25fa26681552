import type { PromptSelector } from '../store/prompt-records';
import type { ResolvedPrompt } from '../store/prompt-store';

/** Picks the version a request renders: `PromptStore` does it from PostgreSQL, `CachedPromptResolver` in front of it. */
export interface PromptResolver {
  resolve(tenant: string, name: string, selector: PromptSelector, stickinessKey: string): Promise<ResolvedPrompt>;
}

/**
 * Who a split keeps on one version: the session (`x-switchyard-session-id`)
 * when the caller sends one, else the body's `user`, else the API key.
 */
export function stickinessKey(parts: { session?: string | undefined; user?: string | undefined; keyId: string }): string {
  // The bare value, as the prompts API's render preview hashes it: a preview for a user shows the version that user gets.
  if (parts.session !== undefined && parts.session !== '') return parts.session;
  if (parts.user !== undefined && parts.user !== '') return parts.user;
  return parts.keyId;
}
