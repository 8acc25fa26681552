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
  if (parts.session !== undefined && parts.session !== '') return `session:${parts.session}`;
  if (parts.user !== undefined && parts.user !== '') return `user:${parts.user}`;
  return `key:${parts.keyId}`;
}
