import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { extractApiKey, type PlatformEnv } from '@switchyard/config';
import { AuthenticationError, ErrorCode, SwitchyardError } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { PLATFORM_ENV } from '../tokens';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The admin API answers only the admin key, compared in constant time; without one configured it is off. */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly adminDigest: Buffer | undefined;

  constructor(@Inject(PLATFORM_ENV) env: PlatformEnv) {
    this.adminDigest = env.SWITCHYARD_ADMIN_KEY === undefined ? undefined : digest(env.SWITCHYARD_ADMIN_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.adminDigest === undefined) {
      throw new SwitchyardError(ErrorCode.PermissionDenied, 'The admin API is off: set SWITCHYARD_ADMIN_KEY to turn it on.');
    }
    const key = extractApiKey(context.switchToHttp().getRequest<FastifyRequest>().headers);
    if (key === undefined || !timingSafeEqual(digest(key), this.adminDigest)) throw new AuthenticationError('Incorrect admin key.');
    return true;
  }
}
