import type { CallerIdentity } from '@switchyard/contracts';
import { type ApiKeyStore, hashApiKey, type KeyLimits } from '@switchyard/usage';
import type { Redis } from 'ioredis';

export interface KeyIdentity extends CallerIdentity {
  limits: KeyLimits;
}

interface CachedKey {
  identity?: KeyIdentity;
  expiresAt: number | null;
  /** When this process asks the database again. */
  freshUntil: number;
}

const KNOWN_MS = 60_000;
const UNKNOWN_MS = 5_000;
const MAX_CACHED = 100_000;

const changedChannel = (prefix: string) => `${prefix}:keys:changed`;

/**
 * Turns a bearer key into its tenant and limits. Keys live in PostgreSQL as
 * SHA-256 digests; each gateway keeps what it looked up for a minute (an
 * unknown key for five seconds), so a request costs a hash and a Map access.
 * A revoked or changed key is announced on a Redis channel and forgotten by
 * every gateway at once; expiry is checked on every request.
 */
export class KeyDirectory {
  private readonly cache = new Map<string, CachedKey>();
  /** Bumped by every announced change: a lookup that overlapped one is used once, not kept. */
  private changes = 0;

  private constructor(
    private readonly store: ApiKeyStore,
    private readonly subscriber: Redis,
  ) {}

  static async start(store: ApiKeyStore, subscriber: Redis, prefix: string): Promise<KeyDirectory> {
    const directory = new KeyDirectory(store, subscriber);
    subscriber.on('message', (_channel: string, keyHash: string) => {
      directory.changes++;
      directory.cache.delete(keyHash);
    });
    await subscriber.subscribe(changedChannel(prefix));
    // Announcements missed while disconnected cannot be replayed: start afresh.
    subscriber.on('ready', () => directory.cache.clear());
    return directory;
  }

  /** Tells every gateway to forget the key (revoked, or its limits changed). */
  static announceChange(publisher: Redis, prefix: string, keyHash: string): Promise<number> {
    return publisher.publish(changedChannel(prefix), keyHash);
  }

  async authenticate(token: string): Promise<KeyIdentity | undefined> {
    const keyHash = hashApiKey(token);
    const now = Date.now();
    let entry = this.cache.get(keyHash);
    if (entry === undefined || entry.freshUntil < now) {
      const changesBefore = this.changes;
      const record = await this.store.findByHash(keyHash);
      entry =
        record === undefined || record.revokedAt !== null
          ? { expiresAt: null, freshUntil: now + UNKNOWN_MS }
          : {
              identity: { keyId: record.id, tenant: record.tenant, limits: record.limits },
              expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).getTime(),
              freshUntil: now + KNOWN_MS,
            };
      if (this.changes === changesBefore) this.remember(keyHash, entry);
    }
    if (entry.identity === undefined || (entry.expiresAt !== null && entry.expiresAt <= now)) return undefined;
    return entry.identity;
  }

  /** Bounded: past the limit the oldest entries go first (a flood of made-up keys does not evict all known ones at once). */
  private remember(keyHash: string, entry: CachedKey): void {
    if (this.cache.size >= MAX_CACHED) {
      let drop = MAX_CACHED / 10;
      for (const oldest of this.cache.keys()) {
        this.cache.delete(oldest);
        if (--drop <= 0) break;
      }
    }
    this.cache.set(keyHash, entry);
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}
