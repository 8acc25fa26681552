import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { extractApiKey, type PlatformEnv } from '@switchyard/config';
import type { FastifyRequest } from 'fastify';
import { PLATFORM_ENV } from '../tokens';
import { AdminKey } from './admin-key';

/** The admin API answers only the admin key, compared in constant time; without one configured it is off. */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  private readonly adminKey: AdminKey;

  constructor(@Inject(PLATFORM_ENV) env: PlatformEnv) {
    this.adminKey = new AdminKey(env.SWITCHYARD_ADMIN_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    this.adminKey.check(extractApiKey(context.switchToHttp().getRequest<FastifyRequest>().headers));
    return true;
  }
}
