import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../connection/create-data-source';
import { runMigrations } from '../connection/run-migrations';
import type { LlmRequestRecord } from './llm-request-record';
import { UsageRecorder } from './usage-recorder';
import { UsageRepository } from './usage-repository';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';

function row(overrides: Partial<LlmRequestRecord> = {}): LlmRequestRecord {
  const jobId = randomUUID();
  return {
    requestId: jobId,
    jobId,
    keyId: 'dev',
    tenant: 'acme',
    userId: 'u-1',
    provider: 'mock',
    model: 'echo',
    publicModel: 'mock-echo',
    promptTokens: 5,
    completionTokens: 3,
    totalTokens: 8,
    costUsd: null,
    latencyMs: 12,
    upstreamLatencyMs: 4,
    queueWaitMs: 1,
    status: 'succeeded',
    errorCode: null,
    cacheHit: false,
    attempts: 1,
    promptVersion: null,
    streamed: false,
    firstTokenMs: null,
    routeAttempts: null,
    ...overrides,
  };
}

describe(UsageRecorder.name, () => {
  let dataSource: DataSource;
  let repository: UsageRepository;

  beforeAll(async () => {
    await runMigrations(databaseUrl);
    dataSource = createDataSource(databaseUrl, { poolSize: 2 });
    await dataSource.initialize();
    repository = new UsageRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('writes the prompt and structured-output columns, and null for a row that predates them', async () => {
    const withPrompt = row({
      promptName: 'summary',
      promptVersion: '2',
      promptVariant: null,
      structuredMode: 'native',
      structuredRepairs: 1,
      structuredValid: true,
    });
    const older = row();
    await repository.insertMany([withPrompt, older]);
    expect(await repository.findByJobId(withPrompt.jobId)).toMatchObject({
      promptName: 'summary',
      promptVersion: '2',
      structuredMode: 'native',
      structuredRepairs: 1,
      structuredValid: true,
    });
    expect(await repository.findByJobId(older.jobId)).toMatchObject({ promptName: null, structuredMode: null, structuredRepairs: null, structuredValid: null });
  });

  it('applies migrations once: a second run finds nothing to do', async () => {
    expect(await runMigrations(databaseUrl)).toStrictEqual([]);
  });

  it('writes buffered rows in one batch on flush, with every tracked column', async () => {
    const recorder = new UsageRecorder(repository, { flushIntervalMs: 60_000 });
    const ok = row();
    const failed = row({ status: 'failed', errorCode: 'upstream_error', completionTokens: 0, totalTokens: 5 });
    recorder.record(ok);
    recorder.record(failed);
    expect(await repository.findByJobId(ok.jobId)).toBeNull();
    await recorder.close();
    expect(await repository.findByJobId(ok.jobId)).toMatchObject({
      tenant: 'acme',
      userId: 'u-1',
      provider: 'mock',
      promptTokens: 5,
      completionTokens: 3,
      totalTokens: 8,
      latencyMs: 12,
      status: 'succeeded',
      cacheHit: false,
    });
    expect(await repository.findByJobId(failed.jobId)).toMatchObject({ status: 'failed', errorCode: 'upstream_error' });
  });

  it('keeps one row per job when the same job is recorded twice', async () => {
    const first = row();
    await repository.insertMany([first]);
    await repository.insertMany([{ ...first, latencyMs: 999 }]);
    const rows = await repository.findByRequestId(first.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.latencyMs).toBe(12);
  });

  it('refuses a status outside the known set', async () => {
    await expect(repository.insertMany([row({ status: 'exploded' as never })])).rejects.toThrow(/check constraint/);
  });
});

describe('a row the database refuses', () => {
  it('is set aside so the rows around it are still written', async () => {
    const dataSource = createDataSource(databaseUrl, { poolSize: 1 });
    await dataSource.initialize();
    const repository = new UsageRepository(dataSource);
    const rejected: LlmRequestRecord[] = [];
    const recorder = new UsageRecorder(repository, { flushIntervalMs: 60_000, onRejected: (_error, bad) => rejected.push(bad) });
    const before = row();
    const bad = row({ userId: 'a\u0000b' });
    const after = row();
    for (const each of [before, bad, after]) recorder.record(each);
    await recorder.close();
    expect(await repository.findByJobId(before.jobId)).not.toBeNull();
    expect(await repository.findByJobId(after.jobId)).not.toBeNull();
    expect(rejected.map((r) => r.jobId)).toStrictEqual([bad.jobId]);
    expect(recorder.pending).toBe(0);
    await dataSource.destroy();
  });
});
