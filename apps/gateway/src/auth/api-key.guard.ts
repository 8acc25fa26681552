import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthenticationError, type CallerIdentity } from '@switchyard/contracts';
import type { KeyLimits } from '@switchyard/database';
import type { FastifyRequest } from 'fastify';

/** A `/v1` request once `authenticateRequest` let its caller in. */
export type AuthenticatedRequest = FastifyRequest & {
  caller: CallerIdentity;
  keyLimits?: KeyLimits;
  /** The admin key acting for `caller.tenant` (`x-switchyard-tenant`): no key of the tenant's, no limits. */
  actingAdmin?: true;
  /**
   * On routes that admit their own requests (see `admitLater`): the caller
   * once its key's limits let it in, with what it was charged; rejects with
   * the refusal. The handler awaits it before it queues or answers anything.
   */
  admission?: Promise<CallerIdentity>;
};

/** Marks a controller as needing a caller: refuses any request the hook did not authenticate. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>();
    if (request.caller === undefined) throw new AuthenticationError();
    return true;
  }
}
