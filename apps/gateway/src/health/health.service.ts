import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from '@switchyard/database';
import { type Redis, withTimeout } from '@switchyard/queue';
import { DATABASE, REDIS } from '../tokens';

const CHECK_TIMEOUT_MS = 2000;

type Check = 'ok' | 'unreachable';

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: { redis: Check; postgres: Check };
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DATABASE) private readonly database: DataSource,
  ) {}

  /** Redis and PostgreSQL both answer in time: this instance can take traffic. */
  async readiness(): Promise<Readiness> {
    const [redis, postgres] = await Promise.allSettled([
      withTimeout(this.redis.ping(), CHECK_TIMEOUT_MS),
      withTimeout(this.database.query('SELECT 1'), CHECK_TIMEOUT_MS),
    ]);
    const checks = {
      redis: redis.status === 'fulfilled' ? 'ok' : 'unreachable',
      postgres: postgres.status === 'fulfilled' ? 'ok' : 'unreachable',
    } as const;
    return { status: checks.redis === 'ok' && checks.postgres === 'ok' ? 'ready' : 'not_ready', checks };
  }
}
