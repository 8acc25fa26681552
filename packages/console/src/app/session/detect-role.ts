import { ApiError, api } from '../api/client';
import type { List, Me, Tenant } from '../api/types';

/** Who a key is: the operator (the admin key), or one tenant's key. */
export type Role = { kind: 'admin' } | { kind: 'tenant'; me: Me };

/** `GET /v1/me` answers a tenant key; the admin key is the one `GET /admin/tenants` answers. */
export async function detectRole(key: string): Promise<Role> {
  try {
    return { kind: 'tenant', me: await api.get<Me>({ key }, '/v1/me') };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status === 0) throw error;
  }
  try {
    await api.get<List<Tenant>>({ key }, '/admin/tenants');
    return { kind: 'admin' };
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      throw new ApiError('This key is not accepted: check that it is complete and has not been revoked.', error.status, error.code);
    }
    throw error;
  }
}
