import { randomUUID } from 'node:crypto';
import { usageStreamKey } from '@switchyard/contracts';
import { createDataSource, type DataSource, type LlmRequestRecord, runMigrations, UsageRecorder, UsageRepository } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageStream } from './usage-stream';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';
const logger = createLogger({ service: 'test', level: 'silent' });

function row(): LlmRequestRecord {
  const jobId = `req_${randomUUID()}`;
  return {
    requestId: jobId,
    jobId,
    keyId: 'k',
    tenant: 'acme',
    userId: null,
    provider: 'mock',
    model: 'echo',
    publicModel: 'mock-echo',
    promptTokens: 1,
    completionTokens: 1,
    totalTokens: 2,
    costUsd: null,
    latencyMs: 3,
    upstreamLatencyMs: 1,
    queueWaitMs: 1,
    status: 'succeeded',
    errorCode: null,
    cacheHit: false,
    attempts: 1,
    promptVersion: null,
    streamed: false,
    firstTokenMs: null,
    routeAttempts: null,
  };
}

describe(UsageStream.name, () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;
  let repository: UsageRepository;

  beforeAll(async () => {
    await runMigrations(databaseUrl);
    dataSource = createDataSource(databaseUrl, { poolSize: 2 });
    await dataSource.initialize();
    repository = new UsageRepository(dataSource);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await dataSource.destroy();
  });

  it('writes the rows a flusher read and never acknowledged (it died) once they sit idle, and empties the stream', async () => {
    const lost = row();
    const key = usageStreamKey(prefix);
    await redis.xgroup('CREATE', key, 'writers', '0', 'MKSTREAM');
    await redis.xadd(key, '*', 'row', JSON.stringify(lost));
    // A flusher that read the row and was killed before its INSERT.
    await redis.xreadgroup('GROUP', 'writers', 'killed', 'COUNT', 10, 'STREAMS', key, '>');

    const stream = await new UsageStream(redis, prefix, repository, {
      flushIntervalMs: 50,
      claimIdleMs: 300,
      logger,
      fallback: new UsageRecorder(repository),
    }).start();
    await expect.poll(() => repository.findByJobId(lost.jobId), { timeout: 5000 }).not.toBeNull();
    await expect.poll(() => redis.xlen(key)).toBe(0);
    await stream.close();
  });

  it('writes a row from memory when Redis does not take it', async () => {
    // Nothing listens on port 1: the XADD fails at once.
    const unreachable = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    unreachable.on('error', () => undefined);
    const stream = new UsageStream(unreachable, prefix, repository, {
      flushIntervalMs: 50,
      logger,
      fallback: new UsageRecorder(repository, { flushIntervalMs: 50 }),
    });
    const kept = row();
    stream.record(kept);
    await expect.poll(() => repository.findByJobId(kept.jobId), { timeout: 5000 }).not.toBeNull();
    unreachable.disconnect();
  });

  it('says when the rows it was given are in the stream, even on a connection that sends them a tick later', async () => {
    const pipelined = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
    const ownPrefix = `${prefix}-kept`;
    const stream = new UsageStream(pipelined, ownPrefix, repository, { flushIntervalMs: 60_000, logger, fallback: new UsageRecorder(repository) });
    await stream.kept();
    for (let i = 0; i < 50; i++) stream.record(row());
    await stream.kept();
    // Read on another connection: nothing is left in the first one's pipeline once kept() resolved.
    expect(await redis.xlen(usageStreamKey(ownPrefix))).toBe(50);
    await redis.del(usageStreamKey(ownPrefix));
    pipelined.disconnect();
  });
});
