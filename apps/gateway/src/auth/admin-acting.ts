import { ErrorCode, InvalidRequestError, NotFoundError, ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import type { AdminKey } from '../admin/admin-key';

/** With the admin key, this header names the tenant the request is made for. */
export const ACTING_TENANT_HEADER = 'x-switchyard-tenant';

/** The caller's key id when the admin key acts for a tenant: it is no key of the tenant's. */
export const ADMIN_CALLER_KEY_ID = 'admin';

/** What the admin key may do for a tenant besides reading: stop work and resend a webhook, never start work or change anything else. */
const ADMIN_WRITES: ReadonlySet<string> = new Set(['DELETE /v1/jobs/:id', 'POST /v1/batches/:id/cancel', 'POST /v1/webhooks/dead-letters/:eventId/redeliver']);

/** Whether the admin key acting for a tenant may make this request: every read, and the writes of `ADMIN_WRITES`. */
export function adminMayAct(method: string, route: string): boolean {
  return method === 'GET' || method === 'HEAD' || ADMIN_WRITES.has(`${method} ${route}`);
}

export interface AdminActing {
  adminKey: AdminKey;
  tenantExists(tenant: string): Promise<boolean>;
}

/**
 * The tenant an admin request acts for, or undefined when it is not one (no
 * header, or a key other than the admin key: that key is checked as usual,
 * so the admin key without the header stays a 401 on `/v1`). Refuses the
 * routes the admin key may not use for a tenant, and tenants that do not exist.
 */
export async function actingTenant(request: FastifyRequest, key: string, acting: AdminActing): Promise<string | undefined> {
  const header = request.headers[ACTING_TENANT_HEADER];
  if (header === undefined || !acting.adminKey.matches(key)) return undefined;
  if (typeof header !== 'string' || header === '' || header.length > 256) {
    throw new InvalidRequestError(`${ACTING_TENANT_HEADER} must name one tenant.`, { param: ACTING_TENANT_HEADER });
  }
  if (!adminMayAct(request.method, request.routeOptions.url ?? request.url)) {
    throw new SwitchyardError(
      ErrorCode.AdminReadOnly,
      `The admin key may only read for a tenant, cancel its jobs and batches and redeliver its webhooks; ${request.method} ${request.routeOptions.url ?? request.url} needs one of its own keys.`,
    );
  }
  if (!(await tenantKnown(acting, header))) throw new NotFoundError(`No tenant '${header}'.`);
  return header;
}

/** Tenants live in PostgreSQL: while it cannot be read, the request is refused as retryable (503), not failed (500). */
async function tenantKnown(acting: AdminActing, tenant: string): Promise<boolean> {
  try {
    return await acting.tenantExists(tenant);
  } catch (cause) {
    throw new ServiceUnavailableError('Tenants cannot be read right now; try again shortly.', { cause });
  }
}
