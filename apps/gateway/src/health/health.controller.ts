import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { type Redis, withTimeout } from '@switchyard/queue';
import type { FastifyReply } from 'fastify';
import type { DataSource } from '@switchyard/database';
import { DATABASE, REDIS } from '../tokens';

const CHECK_TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(DATABASE) private readonly database: DataSource,
  ) {}

  /** The process is up. */
  @Get('healthz')
  @HttpCode(200)
  alive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Redis and PostgreSQL both answer: this instance can take traffic. */
  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [redis, postgres] = await Promise.allSettled([
      withTimeout(this.redis.ping(), CHECK_TIMEOUT_MS),
      withTimeout(this.database.query('SELECT 1'), CHECK_TIMEOUT_MS),
    ]);
    const checks = {
      redis: redis.status === 'fulfilled' ? 'ok' : 'unreachable',
      postgres: postgres.status === 'fulfilled' ? 'ok' : 'unreachable',
    };
    const ready = checks.redis === 'ok' && checks.postgres === 'ok';
    reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  }
}
