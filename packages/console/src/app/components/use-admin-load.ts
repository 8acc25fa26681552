import { api } from '../api/client';
import { adminCredentials, isAdmin, useSession } from '../session/session';
import { type Loaded, useLoad } from './use-load';

/** An operator-only read: the admin key's answer from `path`, or for a tenant key the message that `what` is the admin's alone. */
export function useAdminLoad<T>(path: string, what: string): Loaded<T> {
  const session = useSession();
  return useLoad(
    () => (isAdmin(session) ? api.get<T>(adminCredentials(session), path) : Promise.reject(new Error(`${what} shown to the admin key only.`))),
    [session.key],
  );
}
