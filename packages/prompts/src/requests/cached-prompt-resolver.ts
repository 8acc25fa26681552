import { ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';
import type { PromptSelector } from '../store/prompt-records';
import type { ResolvedPrompt } from '../store/prompt-store';
import type { PromptResolver } from './prompt-resolver';

export interface CachedPromptResolverOptions {
  /**
   * How long a label's (or the default's) choice is reused. Labels move, so
   * another gateway's move is seen within this bound; a move made through
   * this process is seen at once (see `invalidate`). Default 5 s.
   */
  labelTtlMs?: number;
  /**
   * How long a named version is reused. Versions never change, but a name
   * may come to mean another prompt (a tenant's own prompt taking over a
   * name from the prompts folder), so even they are asked about again
   * after a while. Default 5 min.
   */
  versionTtlMs?: number;
  /** Entries kept at most, least recently used out first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  /** Shared by concurrent requests asking the same thing: one query for all of them. */
  resolved: Promise<ResolvedPrompt>;
  /** Epoch ms after which it is asked again. */
  expiresAt: number;
}

const SEPARATOR = '\u0000';

/**
 * Keeps the request path off PostgreSQL: a named version is immutable and
 * reused for `versionTtlMs`; what a label (or the default) picks is reused
 * for `labelTtlMs`, per stickiness key, since a split gives different keys
 * different versions. Failures are not kept. A database that cannot answer
 * becomes a 503 naming prompts, never a 500.
 */
export class CachedPromptResolver implements PromptResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly labelTtlMs: number;
  private readonly versionTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly source: PromptResolver,
    options: CachedPromptResolverOptions = {},
  ) {
    this.labelTtlMs = options.labelTtlMs ?? 5_000;
    this.versionTtlMs = options.versionTtlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  resolve(tenant: string, name: string, selector: PromptSelector, stickinessKey: string): Promise<ResolvedPrompt> {
    const named = selector.version !== undefined;
    // A named version is the same for every caller: one entry serves them all.
    const key = [tenant, name, named ? `v${selector.version}` : `l${selector.label ?? ''}`, named ? '' : stickinessKey].join(SEPARATOR);
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.expiresAt > now) {
      // Re-inserted, so the Map's order stays least recently used first.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.resolved;
    }
    const resolved = this.source.resolve(tenant, name, selector, stickinessKey).catch((error: unknown) => {
      if (this.entries.get(key)?.resolved === resolved) this.entries.delete(key);
      throw unavailableUnlessKnown(error);
    });
    this.entries.set(key, { resolved, expiresAt: now + (named ? this.versionTtlMs : this.labelTtlMs) });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return resolved;
  }

  /** Forgets what was cached for a prompt (or a whole tenant): call it when a label moves or a prompt is deleted here. */
  invalidate(tenant: string, name?: string): void {
    const prefix = name === undefined ? `${tenant}${SEPARATOR}` : `${tenant}${SEPARATOR}${name}${SEPARATOR}`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/** Refusals (no such prompt, version or label) pass as they are; anything else means prompts cannot be read now. */
function unavailableUnlessKnown(error: unknown): unknown {
  if (SwitchyardError.isInstance(error)) return error;
  return new ServiceUnavailableError('Prompts cannot be read right now (the database is unavailable); try again shortly.', { cause: error });
}
