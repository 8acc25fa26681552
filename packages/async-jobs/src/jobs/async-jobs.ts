import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AsyncJobStatus,
  type AsyncJobView,
  type CallerIdentity,
  IdempotencyConflictError,
  type LlmJobPayload,
  type LlmJobResult,
  NotFoundError,
  type ParsedAsyncJobRequest,
  type ResolvedRoute,
  ServiceUnavailableError,
  type WebhookDelivery,
} from '@switchyard/contracts';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { asyncJobView, jobEndedEvent, statusOfResult } from './async-job-view';
import { buildJobPayload } from '@switchyard/queue';
import type { BatchRunner } from '../batches/batch-runner';
import type { EnqueueOptions, LlmJobProducer } from '@switchyard/queue';
import { cancelRecordKey } from '@switchyard/queue';
import { queueFailure } from '@switchyard/queue';
import { coalesceWrites } from '@switchyard/queue';

/** Where an async job's outcome goes besides its status URL. */
export interface WebhookSink {
  deliver(delivery: WebhookDelivery): Promise<void>;
}

export interface AsyncJobsOptions {
  prefix: string;
  /** BullMQ attempts per route. */
  attempts: number;
  /** How long a job, its result and its idempotency key stay readable. */
  retentionMs: number;
  /** Providers whose queues exist: an id naming any other is refused before a queue object is made for it. */
  isKnownProvider: (provider: string) => boolean;
}

export interface SubmitAsyncJob extends ParsedAsyncJobRequest {
  jobId: string;
  requestId: string;
  route: ResolvedRoute;
  fallbacks?: readonly ResolvedRoute[];
  caller: CallerIdentity;
  idempotencyKey?: string;
  trace?: Record<string, string>;
  /** A reply channel to answer on as well (a client waiting for its job). */
  replyTo?: string;
  /** Set on the lines of a batch. */
  batch?: LlmJobPayload['batch'];
}

/** Where a parsed job goes and who sent it: everything a job needs besides the request itself. */
export type AsyncJobRouting = Omit<SubmitAsyncJob, keyof ParsedAsyncJobRequest>;

/**
 * The job for a parsed request, built field by field: `{ ...parsed, … }`
 * with fields after the spread takes V8's slow path (~8 µs a job here, a
 * tenth of a bulk enqueue's time).
 */
export function asyncJobFrom(parsed: ParsedAsyncJobRequest, routing: AsyncJobRouting): SubmitAsyncJob {
  const job: SubmitAsyncJob = {
    request: parsed.request,
    jobId: routing.jobId,
    requestId: routing.requestId,
    route: routing.route,
    caller: routing.caller,
  };
  if (routing.fallbacks !== undefined) job.fallbacks = routing.fallbacks;
  if (routing.trace !== undefined) job.trace = routing.trace;
  if (routing.replyTo !== undefined) job.replyTo = routing.replyTo;
  if (routing.idempotencyKey !== undefined) job.idempotencyKey = routing.idempotencyKey;
  if (routing.batch !== undefined) job.batch = routing.batch;
  if (parsed.webhook !== undefined) job.webhook = parsed.webhook;
  if (parsed.priority !== undefined) job.priority = parsed.priority;
  if (parsed.delay !== undefined) job.delay = parsed.delay;
  return job;
}

export interface AsyncJobPage {
  object: 'list';
  data: AsyncJobView[];
  has_more: boolean;
  /** Pass as `after` for the next page. */
  last_id: string | null;
}

/** What a cancel leaves behind; a job never cancelled has no record at all. */
interface CancelRecord {
  tenant?: string;
  cancelled: boolean;
  /** Set when the job was taken off its queue before it ran. */
  final?: AsyncJobView;
}

const ASYNC_JOB_ID = /^job_[0-9a-f]{32}_([a-z0-9][a-z0-9_-]{0,62})$/;

/**
 * An async job's id names its first provider, so a lookup goes straight to
 * the right queue and accepting a job writes nothing but the job and one
 * index entry.
 */
export function newAsyncJobId(provider: string): string {
  return `job_${randomUUID().replaceAll('-', '')}_${provider}`;
}

function providerOfJobId(jobId: string): string | undefined {
  return ASYNC_JOB_ID.exec(jobId)?.[1];
}

/**
 * The priority of an async job that names none: the middle of the 1-1000 a
 * caller may give, so a job can be sent ahead of the default jobs (below 500)
 * or behind them (above). Without it BullMQ would run such jobs before every
 * prioritised one, and `priority: 1` would make a job later, not sooner.
 */
export const DEFAULT_JOB_PRIORITY = 500;

const QUEUED_STATES = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children', 'unknown']);
const IDEMPOTENCY_MS = 24 * 3600 * 1000;
/** How long a repeat waits for the job a concurrent first request is queueing: 40 lookups 50 ms apart. */
const CLAIM_LOOKUPS = 40;
const CLAIM_LOOKUP_INTERVAL_MS = 50;
const TRIM_EVERY = 256;
const MAX_SCAN = 1_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The async way in: a job is accepted with one Redis round trip (its queue
 * entry and its place in the tenant's index), answered at once, and looked
 * up later by id. The job itself is the BullMQ job: its id names its queue,
 * its payload its tenant, and a lookup follows it along its fallback chain.
 */
export class AsyncJobs {
  /** Index entries past the retention are dropped now and then, not on every submit: submits since the last trim, per tenant. */
  private readonly sinceTrim = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly producer: LlmJobProducer,
    private readonly options: AsyncJobsOptions,
    private readonly webhooks?: WebhookSink,
    /** A dropped batch line still counts towards its batch, or the batch would never end. */
    private readonly batches?: Pick<BatchRunner, 'lineEnded'>,
  ) {}

  private cancelKey(jobId: string): string {
    return cancelRecordKey(this.options.prefix, jobId);
  }

  private indexKey(tenant: string): string {
    return `${this.options.prefix}:ajobs:${tenant}`;
  }

  /** Accepts the job; with an Idempotency-Key seen before (same body), answers the earlier job's id instead. */
  /** `body` is read only with an Idempotency-Key: the same key must come with the same request. */
  async submit(job: SubmitAsyncJob, body: () => string): Promise<{ view: AsyncJobView; replayed: boolean }> {
    const { tenant } = job.caller;
    let idempotencyKey: string | undefined;
    if (job.idempotencyKey !== undefined) {
      idempotencyKey = `${this.options.prefix}:idem:${tenant}:${sha256(job.idempotencyKey)}`;
      const bodyHash = sha256(body());
      const claim = `${job.jobId} ${bodyHash}`;
      const claimed = await this.redis.set(idempotencyKey, claim, 'PX', IDEMPOTENCY_MS, 'NX');
      if (claimed === null) {
        const [earlierJob, earlierBody] = (await this.redis.get(idempotencyKey))?.split(' ') ?? [];
        if (earlierJob === undefined) throw new ServiceUnavailableError('The Idempotency-Key is being claimed by another request; retry.');
        if (earlierBody !== bodyHash) throw new IdempotencyConflictError(earlierJob);
        return { view: await this.claimedJob(earlierJob, tenant), replayed: true };
      }
    }
    const createdAt = Date.now();
    const payload = this.payloadOf(job, createdAt);
    try {
      // Both go out on the one connection in one write (with the other requests of this turn): one
      // round trip. Not a MULTI: an ioredis pipeline copies every script BullMQ defined on the connection.
      coalesceWrites(this.redis);
      const index = this.indexKey(tenant);
      const added = Promise.all([this.redis.zadd(index, createdAt, job.jobId), this.producer.enqueue(payload, this.enqueueOptions(job))]);
      // The index lives as long as its newest entry, so a tenant that stops submitting leaves nothing behind.
      this.redis.pexpire(index, this.options.retentionMs).catch(() => undefined);
      await added;
      this.trimIndex(index, createdAt);
    } catch (cause) {
      const cleanup = this.redis.multi().zrem(this.indexKey(tenant), job.jobId);
      if (idempotencyKey !== undefined) cleanup.del(idempotencyKey);
      await cleanup.exec().catch(() => undefined);
      throw queueFailure(cause, 'The job queue is unavailable; the job was not accepted.');
    }
    return { view: asyncJobView(job.jobId, { status: 'queued', payload, createdAt, attempts: 0 }), replayed: false };
  }

  /**
   * Accepts many jobs with one round trip for their index entries and one
   * per provider queue for the jobs.
   */
  async submitMany(jobs: readonly SubmitAsyncJob[]): Promise<AsyncJobView[]> {
    const createdAt = Date.now();
    // One ZADD per tenant for all its jobs (they share a creation time), not one per job.
    const byTenant = new Map<string, (string | number)[]>();
    for (const job of jobs) {
      const members = byTenant.get(job.caller.tenant) ?? [];
      members.push(createdAt, job.jobId);
      byTenant.set(job.caller.tenant, members);
    }
    const records = this.redis.multi();
    for (const [tenant, members] of byTenant) {
      records.zadd(this.indexKey(tenant), ...members);
      records.zremrangebyscore(this.indexKey(tenant), '-inf', createdAt - this.options.retentionMs);
      records.pexpire(this.indexKey(tenant), this.options.retentionMs);
    }
    const payloads = jobs.map((job) => this.payloadOf(job, createdAt));
    try {
      await Promise.all([
        records.exec(),
        this.producer.enqueueBulk(jobs.map((job, i) => ({ payload: payloads[i] as LlmJobPayload, options: this.enqueueOptions(job) }))),
      ]);
    } catch (cause) {
      throw queueFailure(cause, 'The job queue is unavailable; the jobs were not accepted.');
    }
    return jobs.map((job, i) => asyncJobView(job.jobId, { status: 'queued', payload: payloads[i] as LlmJobPayload, createdAt, attempts: 0 }));
  }

  /**
   * Every TRIM_EVERY submits of a tenant (counted per tenant, so every
   * tenant's index is trimmed, not only the one whose submit happened to be
   * the 256th), entries past the retention go. Sent without waiting.
   */
  private trimIndex(index: string, now: number): void {
    const count = (this.sinceTrim.get(index) ?? 0) + 1;
    if (count < TRIM_EVERY) {
      this.sinceTrim.set(index, count);
      return;
    }
    this.sinceTrim.delete(index);
    this.redis.zremrangebyscore(index, '-inf', now - this.options.retentionMs).catch(() => undefined);
  }

  private payloadOf(job: SubmitAsyncJob, createdAt: number): LlmJobPayload {
    return buildJobPayload(job, createdAt);
  }

  private enqueueOptions(job: SubmitAsyncJob): EnqueueOptions {
    return {
      jobId: job.jobId,
      attempts: this.options.attempts,
      retainMs: this.options.retentionMs,
      priority: job.priority ?? DEFAULT_JOB_PRIORITY,
      ...(job.delay === undefined ? {} : { delayMs: job.delay }),
    };
  }

  /**
   * The job of an earlier request with the same Idempotency-Key. Its claim is
   * written before its job is queued, so a concurrent repeat may find the
   * claim first: a job not there yet is looked for again for a short while.
   */
  private async claimedJob(jobId: string, tenant: string): Promise<AsyncJobView> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.get(jobId, tenant);
      } catch (error) {
        if (!(error instanceof NotFoundError) || attempt >= CLAIM_LOOKUPS) throw error;
        await sleep(CLAIM_LOOKUP_INTERVAL_MS);
      }
    }
  }

  async get(jobId: string, tenant: string): Promise<AsyncJobView> {
    return (await this.locate(jobId, tenant)).view;
  }

  /**
   * Cancels a queued job (taken off its queue, recorded and reported here)
   * or aborts a running one (its worker stops the upstream call, records and
   * reports it). A job that already ended is answered as it is.
   *
   * Without `onDropped` (a caller with no usage table, like the direct
   * client) a queued job is left for a worker instead: the written cancel
   * makes the worker that reaches it end it cancelled without a call, and
   * record and report it. A delayed one is made due now, so that is soon.
   */
  async cancel(jobId: string, tenant: string, onDropped?: (payload: LlmJobPayload) => void): Promise<AsyncJobView> {
    const found = await this.locate(jobId, tenant);
    if (found.view.status !== 'queued' && found.view.status !== 'running') return found.view;
    await this.redis.multi().hset(this.cancelKey(jobId), 'cancelled', '1', 'tenant', tenant).pexpire(this.cancelKey(jobId), this.options.retentionMs).exec();
    // Every worker hears it: the one running the job aborts it, the others drop it if it reaches them.
    await this.producer.cancel(jobId);
    if (onDropped === undefined) {
      // Brought forward so a worker reaches it soon: a delayed job made due, a low-priority one put first
      // among the prioritized (a job waiting without a priority is already ahead of those).
      const state = await found.job?.getState();
      if (state === 'delayed') await found.job?.promote().catch(() => undefined);
      if (state === 'prioritized') await found.job?.changePriority({ priority: 1 }).catch(() => undefined);
      return (await this.locate(jobId, tenant)).view;
    }
    if (found.view.status === 'queued' && found.job !== undefined) {
      // A job a worker took meanwhile is locked and stays (the cancel above reaches that worker); one that
      // finished meanwhile keeps its outcome: the state is read again right before removing.
      const job = found.job;
      const stillQueued = QUEUED_STATES.has(await job.getState());
      const removed =
        stillQueued &&
        (await job.remove().then(
          () => true,
          () => false,
        ));
      if (removed) {
        const view = { ...found.view, status: 'cancelled' as const, finished_at: Math.floor(Date.now() / 1000) };
        onDropped(found.job.data);
        // The queue no longer has it: the cancel record keeps its final state for lookups.
        await this.redis.hset(this.cancelKey(jobId), 'final', JSON.stringify(view));
        const event = jobEndedEvent(view, found.job.data);
        if (event !== undefined) await this.webhooks?.deliver(event);
        if (found.job.data.batch !== undefined) await this.batches?.lineEnded(found.job.data, jobId, { status: 'cancelled', attempts: 0 });
        return view;
      }
    }
    return (await this.locate(jobId, tenant)).view;
  }

  /** The tenant's jobs, newest first; `status` filters, `after` (a previous page's `last_id`) continues. */
  async list(tenant: string, options: { limit: number; after?: string; status?: AsyncJobStatus }): Promise<AsyncJobPage> {
    const index = this.indexKey(tenant);
    let position = 0;
    if (options.after !== undefined) {
      const rank = await this.redis.zrevrank(index, options.after);
      if (rank === null) throw new NotFoundError(`No job with id '${options.after}' to continue after.`);
      position = rank + 1;
    }
    const data: AsyncJobView[] = [];
    let lastId: string | null = null;
    const end = position + MAX_SCAN;
    // Filtering by status reads job states, so one request reads at most MAX_SCAN of them.
    while (data.length < options.limit && position < end) {
      const ids = await this.redis.zrevrange(index, position, position + options.limit - 1);
      if (ids.length === 0) break;
      const views = await Promise.all(ids.map((id) => this.get(id, tenant).catch(() => undefined)));
      for (const [i, view] of views.entries()) {
        position++;
        lastId = ids[i] ?? lastId;
        if (view !== undefined && (options.status === undefined || view.status === options.status)) data.push(view);
        if (data.length === options.limit) break;
      }
    }
    const total = await this.redis.zcard(index);
    return { object: 'list', data, has_more: position < total, last_id: lastId };
  }

  private async cancelRecord(jobId: string): Promise<CancelRecord> {
    const fields = await this.redis.hgetall(this.cancelKey(jobId));
    return {
      cancelled: fields.cancelled === '1',
      ...(fields.tenant === undefined ? {} : { tenant: fields.tenant }),
      ...(fields.final === undefined ? {} : { final: JSON.parse(fields.final) as AsyncJobView }),
    };
  }

  /**
   * Finds the job and follows it along its fallback chain to the job that
   * has (or will have) the answer. Another tenant's job is as absent as one
   * that never was.
   */
  private async locate(jobId: string, tenant: string): Promise<{ view: AsyncJobView; job?: Job<LlmJobPayload> }> {
    const notFound = new NotFoundError(`No job with id '${jobId}'.`);
    let provider = providerOfJobId(jobId);
    if (provider === undefined || !this.options.isKnownProvider(provider)) throw notFound;
    const [first, cancel] = await Promise.all([this.producer.queueFor(provider).getJob(jobId) as Promise<Job<LlmJobPayload> | undefined>, this.cancelRecord(jobId)]);
    if (cancel.final !== undefined) {
      if (cancel.tenant !== tenant) throw notFound;
      return { view: cancel.final };
    }
    if (first === undefined || first.data.caller.tenant !== tenant) throw notFound;
    const createdAt = first.data.enqueuedAt;
    let job: Job<LlmJobPayload> | undefined = first;
    for (let hop = 0; hop < 17 && job !== undefined; hop++) {
      const state = await job.getState();
      // The job was read before it finished: read it again for its result or failure.
      if ((state === 'completed' || state === 'failed') && !job.finishedOn) {
        const fresh = (await this.producer.queueFor(provider).getJob(job.id ?? jobId)) as Job<LlmJobPayload> | undefined;
        if (fresh === undefined) break;
        job = fresh;
      }
      const result = job.returnvalue as LlmJobResult | null;
      if (state === 'completed' && result?.forwardedTo !== undefined) {
        provider = result.forwardedTo.provider;
        job = (await this.producer.queueFor(provider).getJob(result.forwardedTo.jobId)) as Job<LlmJobPayload> | undefined;
        continue;
      }
      const tried = (job.data.tried ?? []).reduce((sum, attempt) => sum + attempt.attempts, 0);
      let status: AsyncJobStatus;
      if (state === 'completed') status = statusOfResult(result);
      else if (state === 'failed') status = 'failed';
      else if (cancel.cancelled) status = 'cancelled';
      else status = QUEUED_STATES.has(state) ? 'queued' : 'running';
      const attempts = result?.attempts ?? tried + job.attemptsMade + job.stalledCounter + (state === 'active' ? 1 : 0);
      return {
        view: asyncJobView(jobId, {
          status,
          payload: job.data,
          createdAt,
          attempts,
          ...(job.processedOn ? { startedAt: job.processedOn } : {}),
          ...(job.finishedOn ? { finishedAt: job.finishedOn } : {}),
          ...(result?.response === undefined ? {} : { result: result.response }),
          ...(state === 'failed' ? { error: job.failedReason } : {}),
        }),
        job,
      };
    }
    // A fallback job enqueued a moment after its predecessor finished: still on its way.
    return { view: asyncJobView(jobId, { status: 'running', payload: first.data, createdAt, attempts: 0 }) };
  }
}
