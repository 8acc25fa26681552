import { randomUUID } from 'node:crypto';
import { createDataSource, type DataSource, runMigrations } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/queue';
import { afterAll, beforeAll } from 'vitest';
import { SessionState } from './state/session-state';
import { SessionRepository } from './store/session-repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';

/** Real Redis (under a key prefix of the suite's own) and the test database; `repository` and `state` are set once the suite's `beforeAll` has run. */
export interface SessionTestBed {
  redis: Redis;
  prefix: string;
  repository: SessionRepository;
  state: SessionState;
  /** A new session of `tenant` (default `acme`) on `mock-echo`, stored and cached as the gateway makes one. */
  newSession(options?: { tenant?: string; windowMaxTokens?: number | null }): Promise<string>;
}

/** Opens Redis and the test database for the calling `describe`, and removes the suite's Redis keys after it. */
export function useSessionTestBed(): SessionTestBed {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'test', logger: createLogger({ service: 'test', level: 'silent' }) });
  let database: DataSource;
  const bed = {
    redis,
    prefix: `sytest-${randomUUID().slice(0, 8)}`,
    async newSession({ tenant = 'acme', windowMaxTokens = null }: { tenant?: string; windowMaxTokens?: number | null } = {}): Promise<string> {
      const id = `sess_${randomUUID().replaceAll('-', '')}`;
      const row = await bed.repository.create({
        id,
        tenant,
        keyId: null,
        model: 'mock-echo',
        system: 'Be brief.',
        promptName: null,
        promptVersion: null,
        windowMaxMessages: null,
        windowMaxTokens,
        metadata: {},
        idleTtlSeconds: 3600,
      });
      await bed.state.created(row);
      return id;
    },
  } as SessionTestBed;
  beforeAll(async () => {
    await runMigrations(DATABASE_URL);
    database = createDataSource(DATABASE_URL, { poolSize: 2 });
    await database.initialize();
    bed.repository = new SessionRepository(database);
    bed.state = new SessionState(redis, bed.prefix, bed.repository, { leaseMs: 60_000 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${bed.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await database?.destroy();
  });
  return bed;
}
