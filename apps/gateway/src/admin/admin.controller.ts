import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ErrorCode, keyChangeSchema, keyCreateSchema, NotFoundError, SwitchyardError, tenantCreateSchema, toInvalidRequestError } from '@switchyard/contracts';
import { KeyDirectory } from '@switchyard/admission';
import { type Redis, unixSeconds } from '@switchyard/queue';
import type { ApiKeyRecord, ApiKeyStore } from '@switchyard/database';
import type { PlatformEnv } from '@switchyard/config';
import { z } from 'zod';
import { KEY_STORE, PLATFORM_ENV, REDIS } from '../tokens';
import { AdminKeyGuard } from './admin-key.guard';

const UNIQUE_VIOLATION = '23505';

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  return result.data;
}


function keyView(record: ApiKeyRecord) {
  return {
    id: record.id,
    object: 'api_key',
    tenant: record.tenant,
    name: record.name,
    prefix: record.prefix,
    limits: record.limits,
    created_at: unixSeconds(record.createdAt),
    expires_at: unixSeconds(record.expiresAt),
    revoked_at: unixSeconds(record.revokedAt),
    routing_file: record.routingFile,
  };
}

/** Tenants and their keys. A new key is shown once, in the answer that creates it. */
@Controller('admin')
@UseGuards(AdminKeyGuard)
export class AdminController {
  constructor(
    @Inject(KEY_STORE) private readonly store: ApiKeyStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_ENV) private readonly env: PlatformEnv,
  ) {}

  @Post('tenants')
  async createTenant(@Body() body: unknown) {
    const input = parse(tenantCreateSchema, body);
    const exists = () => new SwitchyardError(ErrorCode.AlreadyExists, `Tenant '${input.id}' already exists.`, { param: 'id' });
    if ((await this.store.tenant(input.id)) !== undefined) throw exists();
    // Two admins creating the same tenant at once: the database's unique key decides.
    const tenant = await this.store.createTenant(input.id, input.name).catch((error: unknown) => {
      throw (error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION ? exists() : error;
    });
    return { id: tenant.id, object: 'tenant', name: tenant.name, created_at: unixSeconds(tenant.createdAt) };
  }

  @Get('tenants')
  async tenants() {
    const tenants = await this.store.tenants();
    return { object: 'list', data: tenants.map((tenant) => ({ id: tenant.id, object: 'tenant', name: tenant.name, created_at: unixSeconds(tenant.createdAt) })) };
  }

  @Post('tenants/:tenant/keys')
  async createKey(@Param('tenant') tenant: string, @Body() body: unknown) {
    const input = parse(keyCreateSchema, body);
    if ((await this.store.tenant(tenant)) === undefined) throw new NotFoundError(`No tenant '${tenant}'.`);
    const { record, key } = await this.store.createKey({
      tenant,
      name: input.name,
      ...(input.expires_at === undefined ? {} : { expiresAt: new Date(input.expires_at * 1000) }),
      ...(input.limits === undefined ? {} : { limits: input.limits }),
    });
    return { ...keyView(record), key };
  }

  @Get('tenants/:tenant/keys')
  async keys(@Param('tenant') tenant: string) {
    if ((await this.store.tenant(tenant)) === undefined) throw new NotFoundError(`No tenant '${tenant}'.`);
    return { object: 'list', data: (await this.store.keys(tenant)).map(keyView) };
  }

  /** New limits hold on every gateway at once. */
  @Patch('keys/:id')
  async changeKey(@Param('id') id: string, @Body() body: unknown) {
    const input = parse(keyChangeSchema, body);
    const changed = await this.store.setLimits(id, input.limits);
    if (changed === undefined) throw new NotFoundError(`No API key '${id}'.`);
    await KeyDirectory.announceChange(this.redis, this.env.SWITCHYARD_KEY_PREFIX, changed.keyHash);
    return keyView(changed.record);
  }

  /** Revoked on every gateway at once: the next request with it gets a 401. */
  @Delete('keys/:id')
  @HttpCode(200)
  async revoke(@Param('id') id: string) {
    const keyHash = await this.store.revoke(id);
    if (keyHash === undefined) throw new NotFoundError(`No API key '${id}'.`);
    await KeyDirectory.announceChange(this.redis, this.env.SWITCHYARD_KEY_PREFIX, keyHash);
    const record = await this.store.key(id);
    return record === undefined ? { id, revoked: true } : keyView(record);
  }
}
