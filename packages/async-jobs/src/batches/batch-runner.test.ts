import { randomUUID } from 'node:crypto';
import {
  type BatchLine,
  type BatchView,
  type CallerIdentity,
  type ChatCompletionRequest,
  InvalidRequestError,
  type LlmJobPayload,
  type LlmJobResult,
  llmQueuePrefix,
  ModelNotFoundError,
  NotFoundError,
} from '@switchyard/contracts';
import { BatchRepository, createDataSource, type DataSource, FileRepository } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis, LlmJobProducer } from '@switchyard/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncJobs } from '../jobs/async-jobs';
import { SERVED, servedAnswer } from '../served-answer.test-support';
import { BATCH_PRIORITY, type RoutedBatchLine } from './batch-line-jobs';
import { BatchRunner } from './batch-runner';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;
const logger = createLogger({ service: 'test', level: 'silent' });

/** `mock-echo` lines go to a provider whose worker answers at once; `mock-slow` lines wait on a provider nobody serves. */
const PARKED = 'parked';
const PROVIDER_OF: Record<string, string> = { 'mock-echo': SERVED, 'mock-slow': PARKED };
const UPSTREAM_ERROR = '{"code":"upstream_error","message":"served: boom","param":null,"retryable":false}';

function route(line: BatchLine): RoutedBatchLine {
  // These files name no prompts: every line is a chat request as it is.
  const request = line.request as ChatCompletionRequest;
  const provider = PROVIDER_OF[request.model];
  if (provider === undefined) throw new ModelNotFoundError(request.model);
  return { route: { publicModel: request.model, provider, model: 'echo' }, fallbacks: [], request };
}

/** One input line; `fail` as the content makes the served line fail upstream. */
function line(customId: string, model: string, content: string): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });
}

describe(BatchRunner.name, () => {
  const redis = createRedis(url, { name: 'switchyard:test', logger });
  const producer = new LlmJobProducer(redis, prefix);
  let dataSource: DataSource;
  let files: FileRepository;
  let runner: BatchRunner;
  let jobs: AsyncJobs;
  let worker: Worker<LlmJobPayload, LlmJobResult>;
  const tenants: string[] = [];

  beforeAll(async () => {
    dataSource = createDataSource(databaseUrl, { poolSize: 2 });
    await dataSource.initialize();
    files = new FileRepository(dataSource);
    runner = new BatchRunner(redis, prefix, files, new BatchRepository(dataSource), logger);
    // Wired as the gateway wires them: a line dropped from its queue counts towards its batch.
    jobs = new AsyncJobs(
      redis,
      producer,
      { prefix, attempts: 1, retentionMs: 60_000, isKnownProvider: (provider) => provider === SERVED || provider === PARKED },
      undefined,
      runner,
    );
    // Stands in for a worker: runs a line and reports its end to the batch, as the worker does.
    worker = new Worker<LlmJobPayload, LlmJobResult>(
      SERVED,
      async (job) => {
        const jobId = job.id ?? '';
        if (job.data.request.messages[0]?.content === 'fail') {
          await runner.lineEnded(job.data, jobId, { status: 'failed', error: UPSTREAM_ERROR, attempts: 1 });
          throw new UnrecoverableError(UPSTREAM_ERROR);
        }
        const result = servedAnswer(job, `echo: ${String(job.data.request.messages[0]?.content)}`);
        await runner.lineEnded(job.data, jobId, { status: 'succeeded', result: result.response, attempts: 1 });
        return result;
      },
      { connection: createRedis(url, { name: 'switchyard:test:worker', logger, blocking: true }), prefix: llmQueuePrefix(prefix) },
    );
  });

  afterAll(async () => {
    await worker.close();
    await producer.close();
    await dataSource.query('DELETE FROM batches WHERE tenant = ANY($1)', [tenants]);
    await dataSource.query('DELETE FROM files WHERE tenant = ANY($1)', [tenants]);
    await dataSource.destroy();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  function newCaller(): CallerIdentity {
    const tenant = `t-${randomUUID()}`;
    tenants.push(tenant);
    return { keyId: 'k', tenant };
  }

  async function startBatch(caller: CallerIdentity, lines: string[]): Promise<BatchView> {
    const input = await files.create({ tenant: caller.tenant, purpose: 'batch', filename: 'input.jsonl', content: Buffer.from(`${lines.join('\n')}\n`) });
    return runner.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' }, caller, route, jobs);
  }

  /** The file's lines, parsed; none when the batch wrote no such file. */
  async function fileLines(
    fileId: string | null,
    tenant: string,
  ): Promise<{ custom_id: string; response: { status_code: number; body: unknown } | null; error: { code: string } | null }[]> {
    if (fileId === null) return [];
    const content = (await files.content(fileId, tenant))?.toString('utf8') ?? '';
    return content
      .split('\n')
      .filter((text) => text !== '')
      .map((text) => JSON.parse(text));
  }

  async function parkedJobsOf(batchId: string) {
    const queued = await producer.queueFor(PARKED).getJobs(['prioritized', 'waiting', 'delayed']);
    return queued.filter((job) => job.data.batch?.id === batchId);
  }

  const counts = async (batch: BatchView, tenant: string) => (await runner.get(batch.id, tenant)).request_counts;
  const status = async (batch: BatchView, tenant: string) => (await runner.get(batch.id, tenant)).status;

  it("queues each line as a job of the batch's tenant, behind every other job", async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('a', 'mock-slow', 'one'), line('b', 'mock-slow', 'two'), line('c', 'mock-slow', 'three')]);
    expect(batch).toMatchObject({ object: 'batch', status: 'in_progress', request_counts: { total: 3, completed: 0, failed: 0 }, errors: null });
    const queued = (await parkedJobsOf(batch.id)).sort((x, y) => (x.data.batch?.line ?? 0) - (y.data.batch?.line ?? 0));
    expect(queued.map((job) => job.data.batch)).toStrictEqual([
      { id: batch.id, line: 0, customId: 'a' },
      { id: batch.id, line: 1, customId: 'b' },
      { id: batch.id, line: 2, customId: 'c' },
    ]);
    expect(queued.map((job) => job.priority)).toStrictEqual([BATCH_PRIORITY, BATCH_PRIORITY, BATCH_PRIORITY]);
    expect(queued.map((job) => job.data.caller.tenant)).toStrictEqual([caller.tenant, caller.tenant, caller.tenant]);
    expect(queued.map((job) => job.data.request.messages[0]?.content)).toStrictEqual(['one', 'two', 'three']);
    // Each line is a job its tenant can look up like any other.
    expect((await jobs.list(caller.tenant, { limit: 10 })).data).toHaveLength(3);
  });

  it('fails a batch whose file has bad lines, naming each in line order, and runs none of it', async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('a', 'mock-slow', 'fine'), line('b', 'no-such-model', 'lost'), '{not json']);
    expect(batch).toMatchObject({ status: 'failed', request_counts: { total: 0, completed: 0, failed: 0 } });
    expect(batch.failed_at).not.toBeNull();
    expect(batch.errors?.data.map((error) => [error.line, error.code])).toStrictEqual([
      [2, 'model_not_found'],
      [3, 'invalid_json_line'],
    ]);
    expect(await parkedJobsOf(batch.id)).toStrictEqual([]);
    expect(await runner.get(batch.id, caller.tenant)).toStrictEqual(batch);
  });

  it('refuses an input file that does not exist or was not uploaded for batches', async () => {
    const caller = newCaller();
    const create = (inputFileId: string) =>
      runner.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' }, caller, route, jobs);
    await expect(create('file-missing')).rejects.toBeInstanceOf(NotFoundError);
    const output = await files.create({
      tenant: caller.tenant,
      purpose: 'batch_output',
      filename: 'out.jsonl',
      content: Buffer.from(`${line('a', 'mock-echo', 'x')}\n`),
    });
    await expect(create(output.id)).rejects.toBeInstanceOf(InvalidRequestError);
    // Another tenant's file is as missing as one never uploaded.
    const theirs = await files.create({
      tenant: newCaller().tenant,
      purpose: 'batch',
      filename: 'in.jsonl',
      content: Buffer.from(`${line('a', 'mock-echo', 'x')}\n`),
    });
    await expect(create(theirs.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('counts lines as they end, once each, while others still wait', async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('ok', 'mock-echo', 'hi'), line('bad', 'mock-echo', 'fail'), line('later', 'mock-slow', 'wait')]);
    await expect.poll(() => counts(batch, caller.tenant), { timeout: 5000 }).toStrictEqual({ total: 3, completed: 1, failed: 1 });
    expect(await status(batch, caller.tenant)).toBe('in_progress');
    // A line run again (its worker died after reporting it) is still one line, with its first outcome.
    const ran = (await producer.queueFor(SERVED).getJobs(['completed'])).find((job) => job.data.batch?.id === batch.id);
    if (ran === undefined) throw new Error('the line that succeeded is not among the completed jobs');
    await runner.lineEnded(ran.data, ran.id ?? '', { status: 'failed', error: UPSTREAM_ERROR, attempts: 2 });
    expect(await counts(batch, caller.tenant)).toStrictEqual({ total: 3, completed: 1, failed: 1 });
    expect(await status(batch, caller.tenant)).toBe('in_progress');
  });

  it('completes a batch whose lines all ended, with its output and error files in input order', async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('first', 'mock-echo', 'one'), line('broken', 'mock-echo', 'fail'), line('second', 'mock-echo', 'two')]);
    await expect.poll(() => status(batch, caller.tenant), { timeout: 5000 }).toBe('completed');
    const done = await runner.get(batch.id, caller.tenant);
    expect(done.request_counts).toStrictEqual({ total: 3, completed: 2, failed: 1 });
    expect(done.completed_at).not.toBeNull();
    const outputs = await fileLines(done.output_file_id, caller.tenant);
    expect(outputs.map((output) => output.custom_id)).toStrictEqual(['first', 'second']);
    expect(outputs.map((output) => output.response?.status_code)).toStrictEqual([200, 200]);
    expect(outputs[1]?.response?.body).toMatchObject({ choices: [{ message: { content: 'echo: two' } }] });
    const errors = await fileLines(done.error_file_id, caller.tenant);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: 'broken', response: { body: { error: { code: 'upstream_error' } } }, error: null });
    expect(errors[0]?.response?.status_code).toBeGreaterThanOrEqual(400);
  });

  it('cancels a batch: lines still queued are dropped and reported cancelled, finished ones keep their output', async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('done', 'mock-echo', 'quick'), line('waits-1', 'mock-slow', 'x'), line('waits-2', 'mock-slow', 'y')]);
    await expect.poll(() => counts(batch, caller.tenant), { timeout: 5000 }).toMatchObject({ completed: 1 });
    const dropped: LlmJobPayload[] = [];
    const cancelled = await runner.cancel(batch.id, caller.tenant, jobs, (payload) => dropped.push(payload));
    expect(cancelled).toMatchObject({ status: 'cancelled', request_counts: { total: 3, completed: 1, failed: 2 } });
    expect(cancelled.cancelling_at).not.toBeNull();
    expect(cancelled.cancelled_at).not.toBeNull();
    expect(dropped.map((payload) => payload.batch?.customId).sort()).toStrictEqual(['waits-1', 'waits-2']);
    expect(await parkedJobsOf(batch.id)).toStrictEqual([]);
    expect((await fileLines(cancelled.output_file_id, caller.tenant)).map((output) => output.custom_id)).toStrictEqual(['done']);
    expect(await fileLines(cancelled.error_file_id, caller.tenant)).toMatchObject([
      { custom_id: 'waits-1', response: null, error: { code: 'batch_cancelled' } },
      { custom_id: 'waits-2', response: null, error: { code: 'batch_cancelled' } },
    ]);
    // A batch that ended is answered as it is.
    expect(await runner.cancel(batch.id, caller.tenant, jobs, (payload) => dropped.push(payload))).toStrictEqual(cancelled);
    expect(dropped).toHaveLength(2);
  });

  it("treats another tenant's batch as one that does not exist", async () => {
    const owner = newCaller();
    const other = newCaller();
    const batch = await startBatch(owner, [line('mine', 'mock-slow', 'private')]);
    await expect(runner.get(batch.id, other.tenant)).rejects.toBeInstanceOf(NotFoundError);
    await expect(runner.cancel(batch.id, other.tenant, jobs, () => undefined)).rejects.toBeInstanceOf(NotFoundError);
    expect((await runner.list(other.tenant, { limit: 5 })).data).toStrictEqual([]);
    expect(await status(batch, owner.tenant)).toBe('in_progress');
    expect((await runner.list(owner.tenant, { limit: 5 })).data.map((listed) => listed.id)).toStrictEqual([batch.id]);
  });

  it('expires a batch whose completion window passed: what finished is kept, the rest is reported expired', async () => {
    const caller = newCaller();
    const batch = await startBatch(caller, [line('done', 'mock-echo', 'quick'), line('too-late', 'mock-slow', 'x')]);
    await expect.poll(() => counts(batch, caller.tenant), { timeout: 5000 }).toMatchObject({ completed: 1 });
    const dropped: LlmJobPayload[] = [];
    const onDropped = (payload: LlmJobPayload) => void dropped.push(payload);
    expect(await runner.expireDue(jobs, onDropped)).toBe(0);
    expect(await status(batch, caller.tenant)).toBe('in_progress');

    const afterWindow = new Date(Date.now() + 25 * 3600 * 1000);
    expect(await runner.expireDue(jobs, onDropped, afterWindow)).toBeGreaterThanOrEqual(1);
    const expired = await runner.get(batch.id, caller.tenant);
    expect(expired).toMatchObject({ status: 'expired', request_counts: { total: 2, completed: 1, failed: 1 } });
    expect(expired.expired_at).toBe(Math.floor(afterWindow.getTime() / 1000));
    expect(dropped.map((payload) => payload.batch?.customId)).toContain('too-late');
    expect((await fileLines(expired.output_file_id, caller.tenant)).map((output) => output.custom_id)).toStrictEqual(['done']);
    expect(await fileLines(expired.error_file_id, caller.tenant)).toMatchObject([{ custom_id: 'too-late', response: null, error: { code: 'batch_expired' } }]);
    // Every batch of this deployment past its window was stopped by that round: the next finds none.
    expect(await runner.expireDue(jobs, onDropped, afterWindow)).toBe(0);
  });
});
