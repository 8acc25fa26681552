import { type CallerIdentity, keysChangedChannel, ServiceUnavailableError } from '@switchyard/contracts';
import { type ApiKeyRecord, type ApiKeyStore, describeDatabaseError, hashApiKey, type KeyLimits } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
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

const UNKNOWN_MS = 5_000;
/** While the database is unreachable, a known key is served from memory and asked about again this often. */
const RETRY_MS = 5_000;
const MAX_CACHED = 100_000;

/**
 * Turns a bearer key into its tenant and limits. Keys live in PostgreSQL as
 * SHA-256 digests; each gateway keeps what it looked up for `KEY_CACHE_MS` (a minute; an
 * unknown key for five seconds), so a request costs a hash and a Map access.
 * A revoked or changed key is announced on a Redis channel and forgotten by
 * every gateway at once; expiry is checked on every request.
 *
 * A database outage does not stop keys already known: their entry is served
 * as it was (a revocation still arrives on the channel) and the database is
 * asked again every few seconds. A key this gateway has not seen cannot be
 * checked then, and is answered 503, not 401. The outage is logged once.
 */
export class KeyDirectory {
  private readonly cache = new Map<string, CachedKey>();
  /** Bumped by every announced change: a lookup that overlapped one is used once, not kept. */
  private changes = 0;
  /** When the database stopped answering; undefined while it answers. */
  private outageSince: number | undefined;

  private constructor(
    private readonly store: ApiKeyStore,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
    private readonly knownMs: number,
  ) {}

  /** `knownMs`: how long a key found is used before the database is asked again. */
  static async start(store: ApiKeyStore, subscriber: Redis, prefix: string, options: { logger: Logger; knownMs: number }): Promise<KeyDirectory> {
    const directory = new KeyDirectory(store, subscriber, options.logger, options.knownMs);
    subscriber.on('message', (_channel: string, keyHash: string) => {
      directory.changes++;
      directory.cache.delete(keyHash);
    });
    await subscriber.subscribe(keysChangedChannel(prefix));
    // Announcements missed while disconnected cannot be replayed: start afresh.
    subscriber.on('ready', () => directory.cache.clear());
    return directory;
  }

  /** Tells every gateway to forget the key (revoked, or its limits changed). */
  static announceChange(publisher: Redis, prefix: string, keyHash: string): Promise<number> {
    return publisher.publish(keysChangedChannel(prefix), keyHash);
  }

  async authenticate(token: string): Promise<KeyIdentity | undefined> {
    const keyHash = hashApiKey(token);
    const now = Date.now();
    let entry = this.cache.get(keyHash);
    if (entry === undefined || entry.freshUntil < now) {
      const changesBefore = this.changes;
      let record: ApiKeyRecord | undefined;
      try {
        record = await this.store.findByHash(keyHash);
        this.databaseBack();
      } catch (error) {
        return this.valid(this.databaseDown(error, entry, now), now);
      }
      entry =
        record === undefined || record.revokedAt !== null
          ? { expiresAt: null, freshUntil: now + UNKNOWN_MS }
          : {
              identity: { keyId: record.id, tenant: record.tenant, limits: record.limits },
              expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).getTime(),
              freshUntil: now + this.knownMs,
            };
      if (this.changes === changesBefore) this.remember(keyHash, entry);
    }
    return this.valid(entry, now);
  }

  private valid(entry: CachedKey, now: number): KeyIdentity | undefined {
    if (entry.identity === undefined || (entry.expiresAt !== null && entry.expiresAt <= now)) return undefined;
    return entry.identity;
  }

  /** A known key keeps its entry (asked about again later); any other cannot be checked now. */
  private databaseDown(error: unknown, entry: CachedKey | undefined, now: number): CachedKey {
    if (this.outageSince === undefined) {
      this.outageSince = now;
      this.logger.error(
        { ...describeDatabaseError(error) },
        'API keys cannot be read from PostgreSQL; known keys are served from memory, unknown ones answered 503',
      );
    }
    if (entry?.identity === undefined) throw new ServiceUnavailableError('The API key cannot be checked right now; try again shortly.', { cause: error });
    entry.freshUntil = now + RETRY_MS;
    return entry;
  }

  private databaseBack(): void {
    if (this.outageSince === undefined) return;
    this.logger.info({ downMs: Date.now() - this.outageSince }, 'API keys are read from PostgreSQL again');
    this.outageSince = undefined;
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
