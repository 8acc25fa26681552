import { Inject, Injectable } from '@nestjs/common';
import { KeyDirectory, type KeyLimiter } from '@switchyard/admission';
import type { PlatformEnv } from '@switchyard/config';
import {
  type AdminKeyListQuery,
  type ApiKey,
  type ApiKeyList,
  type ApiKeyWithUsageList,
  type CreatedApiKey,
  type KeyChangeRequest,
  type KeyCreateRequest,
  NotFoundError,
  type RevokedApiKey,
} from '@switchyard/contracts';
import type { ApiKeyRecord, ApiKeyStore } from '@switchyard/database';
import { type Redis, unixSeconds } from '@switchyard/queue';
import { KEY_LIMITS, KEY_STORE, PLATFORM_ENV, REDIS } from '../tokens';

function toApiKey(record: ApiKeyRecord): ApiKey {
  return {
    id: record.id,
    object: 'api_key',
    tenant: record.tenant,
    name: record.name,
    prefix: record.prefix,
    limits: record.limits,
    created_at: Math.floor(record.createdAt.getTime() / 1000),
    expires_at: unixSeconds(record.expiresAt),
    revoked_at: unixSeconds(record.revokedAt),
    routing_file: record.routingFile,
  };
}

/** A tenant's API keys. A new key is shown once, in the answer that creates it; a change holds on every gateway at once. */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(KEY_STORE) private readonly store: ApiKeyStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_ENV) private readonly env: PlatformEnv,
    @Inject(KEY_LIMITS) private readonly limiter: KeyLimiter,
  ) {}

  async create(tenant: string, input: KeyCreateRequest): Promise<CreatedApiKey> {
    await this.requireTenant(tenant);
    const { record, key } = await this.store.createKey({
      tenant,
      name: input.name,
      ...(input.expires_at === undefined ? {} : { expiresAt: new Date(input.expires_at * 1000) }),
      ...(input.limits === undefined ? {} : { limits: input.limits }),
    });
    return { ...toApiKey(record), key };
  }

  async list(tenant: string): Promise<ApiKeyList> {
    await this.requireTenant(tenant);
    return { object: 'list', data: (await this.store.keys(tenant)).map(toApiKey) };
  }

  /** Keys of every tenant or one, each with what it used in its limits' windows running now (one Redis round trip for all). */
  async listWithUsage(query: AdminKeyListQuery): Promise<ApiKeyWithUsageList> {
    if (query.tenant !== undefined) await this.requireTenant(query.tenant);
    const records = await this.store.listKeys({ includeRevoked: query.include_revoked, ...(query.tenant === undefined ? {} : { tenant: query.tenant }) });
    const usage = await this.limiter.usageNow(records.map((record) => ({ keyId: record.id, limits: record.limits })));
    return {
      object: 'list',
      data: records.map((record) => {
        const used = usage.get(record.id);
        return {
          ...toApiKey(record),
          usage: {
            requests_this_minute: used?.requestsThisMinute ?? null,
            tokens_this_minute: used?.tokensThisMinute ?? null,
            spend_usd_today: used?.spendUsdToday ?? null,
            spend_usd_this_month: used?.spendUsdThisMonth ?? null,
          },
        };
      }),
    };
  }

  /** New limits hold on every gateway at once. */
  async changeLimits(id: string, input: KeyChangeRequest): Promise<ApiKey> {
    const changed = await this.store.setLimits(id, input.limits);
    if (changed === undefined) throw new NotFoundError(`No API key '${id}'.`);
    await this.announceChange(changed.keyHash);
    return toApiKey(changed.record);
  }

  /** Revoked on every gateway at once: the next request with it gets a 401. */
  async revoke(id: string): Promise<RevokedApiKey> {
    const keyHash = await this.store.revoke(id);
    if (keyHash === undefined) throw new NotFoundError(`No API key '${id}'.`);
    await this.announceChange(keyHash);
    const record = await this.store.key(id);
    return record === undefined ? { id, revoked: true } : toApiKey(record);
  }

  private async requireTenant(tenant: string): Promise<void> {
    if ((await this.store.tenant(tenant)) === undefined) throw new NotFoundError(`No tenant '${tenant}'.`);
  }

  /** Every gateway forgets what it cached of the key. */
  private async announceChange(keyHash: string): Promise<void> {
    await KeyDirectory.announceChange(this.redis, this.env.SWITCHYARD_KEY_PREFIX, keyHash);
  }
}
