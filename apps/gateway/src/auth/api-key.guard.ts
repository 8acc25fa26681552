import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type ApiKeyRegistry, extractApiKey } from '@switchyard/config';
import { AuthenticationError, type CallerIdentity } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { API_KEYS } from '../tokens';

export type AuthenticatedRequest = FastifyRequest & { caller: CallerIdentity };

/** Bearer-key check for every `/v1` route; the identity rides on the request for the handler. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(API_KEYS) private readonly apiKeys: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = extractApiKey(request.headers);
    if (key === undefined) {
      throw new AuthenticationError('Missing API key. Send it as "Authorization: Bearer <key>".');
    }
    const caller = this.apiKeys.authenticate(key);
    if (caller === undefined) throw new AuthenticationError('Incorrect API key provided.');
    request.caller = caller;
    return true;
  }
}
