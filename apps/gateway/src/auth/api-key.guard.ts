import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { type ApiKeyRegistry, extractApiKey } from '@switchyard/config';
import { AuthenticationError, type CallerIdentity } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';

export type AuthenticatedRequest = FastifyRequest & { caller: CallerIdentity };

/**
 * Checks the bearer key of every `/v1` request. It runs as a Fastify
 * `onRequest` hook, before the body is read, so an unauthenticated client
 * gets its 401 without making the gateway parse a large body first.
 */
export function authenticateRequest(request: FastifyRequest, apiKeys: ApiKeyRegistry): void {
  const key = extractApiKey(request.headers);
  if (key === undefined) throw new AuthenticationError('Missing API key. Send it as "Authorization: Bearer <key>".');
  const caller = apiKeys.authenticate(key);
  if (caller === undefined) throw new AuthenticationError('Incorrect API key provided.');
  (request as AuthenticatedRequest).caller = caller;
}

/** Marks a controller as needing a caller: refuses any request the hook did not authenticate. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>();
    if (request.caller === undefined) throw new AuthenticationError();
    return true;
  }
}
