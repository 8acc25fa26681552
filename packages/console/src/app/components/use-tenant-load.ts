import { api, type Query, withQuery } from '../api/client';
import { tenantCredentials, useSession } from '../session/session';
import { type Loaded, useLoad } from './use-load';

/** A read for the session's tenant (its own key, or the admin key acting for it): loaded again when the key, the tenant or the address change. */
export function useTenantLoad<T>(path: string, query?: Query): Loaded<T> {
  const session = useSession();
  return useLoad(() => api.get<T>(tenantCredentials(session), path, query), [session.key, session.tenant, withQuery(path, query)]);
}
