import { createHash, timingSafeEqual } from 'node:crypto';
import type { CallerIdentity } from '@switchyard/contracts';
import type { ApiKeyConfig } from './routing-config-schema';

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * Holds only SHA-256 digests of the configured keys, so a heap dump or log
 * never shows one. Lookup is a hash and a Map access.
 */
export class ApiKeyRegistry {
  private readonly byDigest = new Map<string, { digest: Buffer; identity: CallerIdentity }>();

  constructor(keys: readonly ApiKeyConfig[]) {
    for (const key of keys) {
      const hashed = digest(key.key);
      this.byDigest.set(hashed.toString('base64'), { digest: hashed, identity: { keyId: key.id, tenant: key.tenant } });
    }
  }

  /** The identity behind a bearer token, or undefined when it is not a known key. */
  authenticate(token: string): CallerIdentity | undefined {
    const hashed = digest(token);
    const entry = this.byDigest.get(hashed.toString('base64'));
    if (entry === undefined || !timingSafeEqual(entry.digest, hashed)) return undefined;
    return entry.identity;
  }
}

/** Reads `Authorization: Bearer <key>`; also accepts `x-api-key`, which some SDKs send. */
export function extractApiKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}
