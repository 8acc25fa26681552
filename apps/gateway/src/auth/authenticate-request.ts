import type { KeyDirectory } from '@switchyard/admission';
import { extractApiKey } from '@switchyard/config';
import { AuthenticationError } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendHttpError } from '../errors/send-http-error';
import { ADMIN_CALLER_KEY_ID, type AdminActing, actingTenant } from './admin-acting';
import type { AuthenticatedRequest } from './api-key.guard';

/**
 * Finds the caller of a request by its bearer key; throws when the key is
 * missing or not a valid one. The admin key with `x-switchyard-tenant` is
 * that tenant, without limits or charges, on the routes it may use for it.
 */
async function authenticateRequest(request: FastifyRequest, keys: KeyDirectory, acting: AdminActing): Promise<void> {
  const key = extractApiKey(request.headers);
  if (key === undefined) throw new AuthenticationError('Missing API key. Send it as "Authorization: Bearer <key>".');
  const tenant = await actingTenant(request, key, acting);
  if (tenant !== undefined) {
    const authenticated = request as AuthenticatedRequest;
    authenticated.caller = { keyId: ADMIN_CALLER_KEY_ID, tenant };
    authenticated.actingAdmin = true;
    return;
  }
  const identity = await keys.authenticate(key);
  if (identity === undefined) throw new AuthenticationError('Incorrect API key provided, or it was revoked or has expired.');
  const authenticated = request as AuthenticatedRequest;
  authenticated.caller = { keyId: identity.keyId, tenant: identity.tenant };
  authenticated.keyLimits = identity.limits;
}

/**
 * The `onRequest` hook that checks the bearer key of every `/v1` request.
 * It runs before the body is read, so an unauthenticated client gets its
 * answer without making the gateway parse a large body first.
 */
export function authenticateRequests(keys: KeyDirectory, acting: AdminActing) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    // The matched route, not the raw URL: an encoded path (`/%761/...`) reaches the same handlers.
    if (!(request.routeOptions.url ?? request.url).startsWith('/v1/')) return undefined;
    try {
      await authenticateRequest(request, keys, acting);
      return undefined;
    } catch (error) {
      sendHttpError(reply, error);
      return reply;
    }
  };
}
