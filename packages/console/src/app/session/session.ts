import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Credentials } from '../api/client';
import type { Role } from './detect-role';

/** The signed-in console: the key (held in memory), who it is, and the tenant an admin is looking at. */
export interface Session {
  key: string;
  role: Role;
  /** The admin's tenant selection; '' for every tenant. A tenant key's own tenant. */
  tenant: string;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside a signed-in console');
  return session;
}

export const isAdmin = (session: Session) => session.role.kind === 'admin';

/** For `/admin` routes: the key alone (the tenant goes in the query). */
export const adminCredentials = (session: Session): Credentials => ({ key: session.key });

/** For `/v1` routes: a tenant key as is; the admin key with the selected tenant's header. */
export const tenantCredentials = (session: Session): Credentials => (isAdmin(session) ? { key: session.key, tenant: session.tenant } : { key: session.key });

/** `/v1` routes answer one tenant: an admin must have picked one. */
export const hasTenantScope = (session: Session) => !isAdmin(session) || session.tenant !== '';
