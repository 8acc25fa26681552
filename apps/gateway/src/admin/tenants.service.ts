import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, SwitchyardError, type Tenant, type TenantCreateRequest, type TenantList } from '@switchyard/contracts';
import type { ApiKeyStore, TenantRecord } from '@switchyard/database';
import { KEY_STORE } from '../tokens';

const UNIQUE_VIOLATION = '23505';

function toTenant(record: TenantRecord): Tenant {
  return { id: record.id, object: 'tenant', name: record.name, created_at: Math.floor(record.createdAt.getTime() / 1000) };
}

/** Tenants: the owners of keys, jobs, files and usage. */
@Injectable()
export class TenantsService {
  constructor(@Inject(KEY_STORE) private readonly store: ApiKeyStore) {}

  async create(input: TenantCreateRequest): Promise<Tenant> {
    const exists = () => new SwitchyardError(ErrorCode.AlreadyExists, `Tenant '${input.id}' already exists.`, { param: 'id' });
    if ((await this.store.tenant(input.id)) !== undefined) throw exists();
    // Two admins creating the same tenant at once: the database's unique key decides.
    const tenant = await this.store.createTenant(input.id, input.name).catch((error: unknown) => {
      throw (error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION ? exists() : error;
    });
    return toTenant(tenant);
  }

  async list(): Promise<TenantList> {
    return { object: 'list', data: (await this.store.tenants()).map(toTenant) };
  }
}
