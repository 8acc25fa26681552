import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '@switchyard/contracts';
import type { ApiKeyStore } from '@switchyard/database';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { KEY_STORE } from '../tokens';

@Injectable()
export class CallerService {
  constructor(@Inject(KEY_STORE) private readonly store: ApiKeyStore) {}

  /** The tenant and key of the request, with the limits in force for it (none when the admin key acts for the tenant). */
  async describe(request: AuthenticatedRequest): Promise<Caller> {
    const { caller } = request;
    const record = request.actingAdmin === true ? undefined : await this.store.key(caller.keyId);
    return { object: 'caller', tenant: caller.tenant, key_id: caller.keyId, key_name: record?.name ?? null, limits: request.keyLimits ?? {} };
  }
}
