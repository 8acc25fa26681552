import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyConflictError,
  LLM_JOB_NAME,
  type LlmJobPayload,
  type LlmJobResult,
  llmQueuePrefix,
  NotFoundError,
  parseAsyncJobRequest,
  type WebhookDelivery,
} from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis, LlmJobProducer } from '@switchyard/queue';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVED, servedAnswer } from '../served-answer.test-support';
import { newAsyncJobId } from './async-job-id';
import { AsyncJobs } from './async-jobs';
import { asyncJobFrom, type SubmitAsyncJob } from './submit-async-job';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;
const logger = createLogger({ service: 'test', level: 'silent' });

/** Jobs for `parked` are never taken (no worker serves it); `served` has a worker that answers at once. */
const PARKED = 'parked';

function newTenant(): string {
  return `t-${randomUUID().slice(0, 8)}`;
}

/** A job as the gateway builds it for `POST /v1/jobs` with `body`. */
function jobFor(tenant: string, body: Record<string, unknown>, options: { provider?: string; idempotencyKey?: string } = {}): SubmitAsyncJob {
  const provider = options.provider ?? PARKED;
  const jobId = newAsyncJobId(provider);
  return asyncJobFrom(parseAsyncJobRequest({ model: 'mock-echo', ...body }), {
    jobId,
    requestId: jobId,
    route: { publicModel: 'mock-echo', provider, model: 'echo' },
    caller: { keyId: 'k', tenant },
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
  });
}

const saying = (content: string) => ({ messages: [{ role: 'user', content }] });

describe(AsyncJobs.name, () => {
  const redis = createRedis(url, { name: 'switchyard:test', logger });
  const producer = new LlmJobProducer(redis, prefix);
  const webhooks: WebhookDelivery[] = [];
  const jobs = new AsyncJobs(
    redis,
    producer,
    { prefix, attempts: 1, retentionMs: 60_000, isKnownProvider: (provider) => provider === PARKED || provider === SERVED },
    { deliver: async (delivery) => void webhooks.push(delivery) },
  );
  // Stands in for a worker: answers, fails, or hands the request on to a next job as a fallback does.
  const worker = new Worker<LlmJobPayload, LlmJobResult>(
    SERVED,
    async (job) => {
      const content = String(job.data.request.messages[0]?.content);
      if (content === 'fail') throw new UnrecoverableError('{"code":"upstream_error","message":"served: boom","param":null,"retryable":false}');
      if (content === 'hand on') {
        const next = `${job.id}_next`;
        await producer
          .queueFor(SERVED)
          .add(LLM_JOB_NAME, { ...job.data, request: { ...job.data.request, messages: [{ role: 'user', content: 'from the fallback' }] } }, { jobId: next });
        return { ...servedAnswer(job, ''), forwardedTo: { provider: SERVED, jobId: next } };
      }
      return servedAnswer(job, `echo: ${content}`);
    },
    { connection: createRedis(url, { name: 'switchyard:test:worker', logger, blocking: true }), prefix: llmQueuePrefix(prefix) },
  );

  afterAll(async () => {
    await worker.close();
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers a submitted job as queued, and a lookup finds it the same', async () => {
    const tenant = newTenant();
    const { view, replayed } = await jobs.submit(jobFor(tenant, { ...saying('hello'), metadata: { order: '7' } }), () => '');
    expect(replayed).toBe(false);
    expect(view).toMatchObject({
      object: 'job',
      status: 'queued',
      model: 'mock-echo',
      provider: null,
      attempts: 0,
      metadata: { order: '7' },
      result: null,
      error: null,
    });
    expect(view.id).toMatch(/^job_[0-9a-f]{32}_parked$/);
    expect(await jobs.get(view.id, tenant)).toStrictEqual(view);
  });

  it('reads the answer of a job that ran, and the error of one that failed', async () => {
    const tenant = newTenant();
    const ran = (await jobs.submit(jobFor(tenant, saying('hi'), { provider: SERVED }), () => '')).view;
    const failed = (await jobs.submit(jobFor(tenant, saying('fail'), { provider: SERVED }), () => '')).view;
    await expect.poll(async () => (await jobs.get(ran.id, tenant)).status, { timeout: 5000 }).toBe('succeeded');
    const done = await jobs.get(ran.id, tenant);
    expect(done).toMatchObject({ status: 'succeeded', provider: SERVED, attempts: 1, error: null });
    expect(done.result?.choices[0]?.message.content).toBe('echo: hi');
    expect(done.finished_at).not.toBeNull();
    await expect.poll(async () => (await jobs.get(failed.id, tenant)).status, { timeout: 5000 }).toBe('failed');
    expect((await jobs.get(failed.id, tenant)).error).toMatchObject({ code: 'upstream_error' });
  });

  it('follows a job that handed its request on to the job that answered it', async () => {
    const tenant = newTenant();
    const { view } = await jobs.submit(jobFor(tenant, saying('hand on'), { provider: SERVED }), () => '');
    await expect.poll(async () => (await jobs.get(view.id, tenant)).status, { timeout: 5000 }).toBe('succeeded');
    const done = await jobs.get(view.id, tenant);
    expect(done.id).toBe(view.id);
    expect(done.result?.choices[0]?.message.content).toBe('echo: from the fallback');
  });

  it('answers a repeat with the same Idempotency-Key and body with the first job, without queueing another', async () => {
    const tenant = newTenant();
    const idempotencyKey = `order-${randomUUID()}`;
    const body = JSON.stringify(saying('once'));
    const first = await jobs.submit(jobFor(tenant, saying('once'), { idempotencyKey }), () => body);
    const repeat = await jobs.submit(jobFor(tenant, saying('once'), { idempotencyKey }), () => body);
    expect(repeat).toStrictEqual({ view: first.view, replayed: true });
    expect((await jobs.list(tenant, { limit: 10 })).data.map((job) => job.id)).toStrictEqual([first.view.id]);
  });

  it('refuses an Idempotency-Key used before with another body, naming the first job', async () => {
    const tenant = newTenant();
    const idempotencyKey = `order-${randomUUID()}`;
    const first = await jobs.submit(jobFor(tenant, saying('one'), { idempotencyKey }), () => 'one');
    const refusal = jobs.submit(jobFor(tenant, saying('two'), { idempotencyKey }), () => 'two');
    await expect(refusal).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(refusal).rejects.toMatchObject({ details: { job_id: first.view.id } });
    expect((await jobs.list(tenant, { limit: 10 })).data).toHaveLength(1);
  });

  it("keeps each tenant's Idempotency-Keys apart", async () => {
    const idempotencyKey = `order-${randomUUID()}`;
    const mine = await jobs.submit(jobFor(newTenant(), saying('same'), { idempotencyKey }), () => 'same');
    const theirs = await jobs.submit(jobFor(newTenant(), saying('same'), { idempotencyKey }), () => 'same');
    expect(theirs.replayed).toBe(false);
    expect(theirs.view.id).not.toBe(mine.view.id);
  });

  it('cancels a queued job: off its queue, reported once, and looked up as cancelled', async () => {
    const tenant = newTenant();
    const { view } = await jobs.submit(jobFor(tenant, { ...saying('never run'), webhook: { url: 'https://hooks.example.com/jobs' } }), () => '');
    const dropped: LlmJobPayload[] = [];
    const cancelled = await jobs.cancel(view.id, tenant, (payload) => dropped.push(payload));
    expect(cancelled).toMatchObject({ id: view.id, status: 'cancelled' });
    expect(cancelled.finished_at).not.toBeNull();
    expect(dropped.map((payload) => payload.requestId)).toStrictEqual([view.id]);
    expect(await producer.queueFor(PARKED).getJob(view.id)).toBeUndefined();
    expect(webhooks.filter((event) => event.jobId === view.id)).toMatchObject([
      { type: 'job.cancelled', eventId: `evt_${view.id}_cancelled`, url: 'https://hooks.example.com/jobs', tenant },
    ]);
    expect(await jobs.get(view.id, tenant)).toStrictEqual(cancelled);
    // A second cancel finds it ended: nothing dropped or reported again.
    expect(await jobs.cancel(view.id, tenant, (payload) => dropped.push(payload))).toStrictEqual(cancelled);
    expect(dropped).toHaveLength(1);
    expect(webhooks.filter((event) => event.jobId === view.id)).toHaveLength(1);
  });

  it('leaves a job cancelled without a usage table for a worker to end, brought forward so one reaches it soon', async () => {
    const tenant = newTenant();
    const delayed = (await jobs.submit(jobFor(tenant, { ...saying('later'), delay: 600_000 }), () => '')).view;
    const behind = (await jobs.submit(jobFor(tenant, { ...saying('last'), priority: 1000 }), () => '')).view;
    expect(await jobs.cancel(delayed.id, tenant)).toMatchObject({ status: 'cancelled' });
    expect(await jobs.cancel(behind.id, tenant)).toMatchObject({ status: 'cancelled' });
    const delayedJob = await producer.queueFor(PARKED).getJob(delayed.id);
    expect(await delayedJob?.getState()).not.toBe('delayed');
    expect((await producer.queueFor(PARKED).getJob(behind.id))?.priority).toBe(1);
  });

  it('answers a cancel of a job that already ended with the job as it is', async () => {
    const tenant = newTenant();
    const { view } = await jobs.submit(jobFor(tenant, saying('quick'), { provider: SERVED }), () => '');
    await expect.poll(async () => (await jobs.get(view.id, tenant)).status, { timeout: 5000 }).toBe('succeeded');
    const dropped: LlmJobPayload[] = [];
    expect(await jobs.cancel(view.id, tenant, (payload) => dropped.push(payload))).toMatchObject({ status: 'succeeded' });
    expect(dropped).toStrictEqual([]);
  });

  it("lists a tenant's jobs newest first, a page at a time, and filters by status", async () => {
    const tenant = newTenant();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      ids.push((await jobs.submit(jobFor(tenant, saying(`job ${n}`)), () => '')).view.id);
      // One millisecond apart, so "newest first" has one answer.
      await sleep(2);
    }
    const newest = [...ids].reverse();
    const first = await jobs.list(tenant, { limit: 2 });
    expect(first).toMatchObject({ object: 'list', has_more: true, last_id: newest[1] });
    expect(first.data.map((job) => job.id)).toStrictEqual(newest.slice(0, 2));
    const second = await jobs.list(tenant, { limit: 2, after: first.last_id ?? '' });
    expect(second.data.map((job) => job.id)).toStrictEqual(newest.slice(2, 4));
    const last = await jobs.list(tenant, { limit: 2, after: second.last_id ?? '' });
    expect(last).toMatchObject({ has_more: false, last_id: newest[4] });
    expect(last.data.map((job) => job.id)).toStrictEqual(newest.slice(4));

    await jobs.cancel(ids[1] ?? '', tenant, () => undefined);
    expect((await jobs.list(tenant, { limit: 10, status: 'cancelled' })).data.map((job) => job.id)).toStrictEqual([ids[1]]);
    expect((await jobs.list(tenant, { limit: 10, status: 'queued' })).data).toHaveLength(4);
    await expect(jobs.list(tenant, { limit: 2, after: newAsyncJobId(PARKED) })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("treats another tenant's job as one that does not exist", async () => {
    const owner = newTenant();
    const other = newTenant();
    const { view } = await jobs.submit(jobFor(owner, saying('private')), () => '');
    await expect(jobs.get(view.id, other)).rejects.toBeInstanceOf(NotFoundError);
    await expect(jobs.cancel(view.id, other, () => undefined)).rejects.toBeInstanceOf(NotFoundError);
    expect((await jobs.list(other, { limit: 10 })).data).toStrictEqual([]);
    await expect(jobs.list(other, { limit: 10, after: view.id })).rejects.toBeInstanceOf(NotFoundError);
    expect(await jobs.get(view.id, owner)).toMatchObject({ status: 'queued' });

    // Cancelled and off its queue, it is still the owner's alone.
    await jobs.cancel(view.id, owner, () => undefined);
    await expect(jobs.get(view.id, other)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds no job for an id no job could have, or one naming an unknown provider', async () => {
    const tenant = newTenant();
    await expect(jobs.get('not-a-job', tenant)).rejects.toBeInstanceOf(NotFoundError);
    await expect(jobs.get(newAsyncJobId('elsewhere'), tenant)).rejects.toBeInstanceOf(NotFoundError);
    await expect(jobs.get(newAsyncJobId(PARKED), tenant)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('accepts many jobs at once, each queued and listed', async () => {
    const tenant = newTenant();
    const views = await jobs.submitMany([jobFor(tenant, saying('a')), jobFor(tenant, saying('b')), jobFor(tenant, saying('c'), { provider: SERVED })]);
    expect(views.map((view) => view.status)).toStrictEqual(['queued', 'queued', 'queued']);
    expect(await jobs.get(views[0]?.id ?? '', tenant)).toMatchObject({ status: 'queued' });
    expect((await jobs.list(tenant, { limit: 10 })).data.map((job) => job.id).sort()).toStrictEqual(views.map((view) => view.id).sort());
  });
});
