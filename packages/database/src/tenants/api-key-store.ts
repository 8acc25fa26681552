import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Per-key limits; each is optional (absent: no limit of that kind). */
export interface KeyLimits {
  requestsPerMinute?: number;
  requestsPerDay?: number;
  /** Prompt plus completion tokens; a request is counted at its estimate and settled with its real usage. */
  tokensPerMinute?: number;
  /** US dollars per UTC day and calendar month, at the routing file's prices. */
  budgetUsdPerDay?: number;
  budgetUsdPerMonth?: number;
}

export interface ApiKeyRecord {
  id: string;
  tenant: string;
  name: string;
  /** The key's first characters, shown to tell keys apart; never enough to use it. */
  prefix: string;
  limits: KeyLimits;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The routing file that registered it; null for a key the admin API made. */
  routingFile: string | null;
}

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const KEY_FIELDS = `id, tenant_id AS "tenant", name, prefix, limits, created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", routing_file AS "routingFile"`;
/** At most 8 characters and a quarter of the key: enough to tell keys apart, too little to guess the rest. */
const visiblePrefix = (key: string) => key.slice(0, Math.min(8, Math.floor(key.length / 4)));

/** The only code that reads or writes `tenants` and `api_keys`. Raw keys are never stored, only their SHA-256. */
export class ApiKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async createTenant(id: string, name: string): Promise<TenantRecord> {
    const [row] = (await this.dataSource.query('INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, created_at AS "createdAt"', [
      id,
      name,
    ])) as TenantRecord[];
    return row as TenantRecord;
  }

  async tenant(id: string): Promise<TenantRecord | undefined> {
    const [row] = (await this.dataSource.query('SELECT id, name, created_at AS "createdAt" FROM tenants WHERE id = $1', [id])) as TenantRecord[];
    return row;
  }

  async tenants(): Promise<TenantRecord[]> {
    return (await this.dataSource.query('SELECT id, name, created_at AS "createdAt" FROM tenants ORDER BY created_at')) as TenantRecord[];
  }

  /** Makes a key; the raw key is returned here and nowhere else, ever. */
  async createKey(input: { tenant: string; name: string; expiresAt?: Date | null; limits?: KeyLimits }): Promise<{ record: ApiKeyRecord; key: string }> {
    const key = `sk-sy-${randomBytes(24).toString('base64url')}`;
    const record = await this.insertKey({ ...input, key });
    return { record, key };
  }

  /**
   * Registers a key whose raw value the operator holds (the keys of the
   * routing file, seeded at start). A changed value replaces the old one under
   * the same id; a revoked key stays revoked.
   */
  /** Returns the hash the key had before when its value changed, so gateways can be told to forget it. */
  async ensureKey(input: { id: string; tenant: string; name: string; key: string; routingFile: string }): Promise<string | undefined> {
    await this.dataSource.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [input.tenant]);
    const keyHash = hashApiKey(input.key);
    const [before] = (await this.dataSource.query('SELECT key_hash AS "keyHash" FROM api_keys WHERE id = $1', [input.id])) as { keyHash: string }[];
    // A new value is a new key: it is live even if the old one was revoked (or taken out of the file).
    await this.dataSource.query(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, routing_file) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, prefix = EXCLUDED.prefix, key_hash = EXCLUDED.key_hash, routing_file = EXCLUDED.routing_file,
         revoked_at = CASE WHEN api_keys.key_hash = EXCLUDED.key_hash THEN api_keys.revoked_at ELSE NULL END`,
      [input.id, input.tenant, input.name, visiblePrefix(input.key), keyHash, input.routingFile],
    );
    return before !== undefined && before.keyHash !== keyHash ? before.keyHash : undefined;
  }

  private async insertKey(input: { tenant: string; name: string; key: string; expiresAt?: Date | null; limits?: KeyLimits }): Promise<ApiKeyRecord> {
    const id = `key_${randomBytes(12).toString('hex')}`;
    const [row] = (await this.dataSource.query(
      `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, limits, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${KEY_FIELDS}`,
      [id, input.tenant, input.name, visiblePrefix(input.key), hashApiKey(input.key), JSON.stringify(input.limits ?? {}), input.expiresAt ?? null],
    )) as ApiKeyRecord[];
    return row as ApiKeyRecord;
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${KEY_FIELDS} FROM api_keys WHERE key_hash = $1`, [keyHash])) as ApiKeyRecord[];
    return row;
  }

  async key(id: string): Promise<ApiKeyRecord | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${KEY_FIELDS} FROM api_keys WHERE id = $1`, [id])) as ApiKeyRecord[];
    return row;
  }

  async keys(tenant: string): Promise<ApiKeyRecord[]> {
    return (await this.dataSource.query(`SELECT ${KEY_FIELDS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [tenant])) as ApiKeyRecord[];
  }

  /** Keys newest first, of one tenant or of all; revoked ones only when asked for. */
  async listKeys(filter: { tenant?: string; includeRevoked: boolean }): Promise<ApiKeyRecord[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (filter.tenant !== undefined) {
      values.push(filter.tenant);
      conditions.push(`tenant_id = $${values.length}`);
    }
    if (!filter.includeRevoked) conditions.push('revoked_at IS NULL');
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    return (await this.dataSource.query(`SELECT ${KEY_FIELDS} FROM api_keys ${where} ORDER BY created_at DESC, id DESC`, values)) as ApiKeyRecord[];
  }

  /** Returns the key's hash so callers can tell every gateway to forget it. */
  async revoke(id: string): Promise<string | undefined> {
    const [rows] = (await this.dataSource.query('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING key_hash AS "keyHash"', [
      id,
    ])) as [{ keyHash: string }[], number];
    return rows[0]?.keyHash;
  }

  async setLimits(id: string, limits: KeyLimits): Promise<{ record: ApiKeyRecord; keyHash: string } | undefined> {
    const [rows] = (await this.dataSource.query(`UPDATE api_keys SET limits = $2 WHERE id = $1 RETURNING ${KEY_FIELDS}, key_hash AS "keyHash"`, [
      id,
      JSON.stringify(limits),
    ])) as [(ApiKeyRecord & { keyHash: string })[], number];
    const row = rows[0];
    if (row === undefined) return undefined;
    const { keyHash, ...record } = row;
    return { record, keyHash };
  }
}
