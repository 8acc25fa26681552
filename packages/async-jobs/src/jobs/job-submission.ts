import type { AsyncJobView, LlmJobPayload } from '@switchyard/contracts';
import { buildJobPayload, coalesceWrites, type EnqueueOptions, type LlmJobProducer, queueFailure } from '@switchyard/queue';
import type { Redis } from 'ioredis';
import { asyncJobView } from './async-job-view';
import type { AsyncJobsOptions } from './async-jobs-options';
import type { SubmitAsyncJob } from './submit-async-job';
import type { TenantJobIndex } from './tenant-job-index';

/**
 * The priority of an async job that names none: the middle of the 1-1000 a
 * caller may give, so a job can be sent ahead of the default jobs (below 500)
 * or behind them (above). Without it BullMQ would run such jobs before every
 * prioritised one, and `priority: 1` would make a job later, not sooner.
 */
export const DEFAULT_JOB_PRIORITY = 500;

/** Puts jobs on their provider queues and in their tenants' indexes. */
export class JobSubmission {
  constructor(
    private readonly redis: Redis,
    private readonly producer: LlmJobProducer,
    private readonly index: TenantJobIndex,
    private readonly options: Pick<AsyncJobsOptions, 'attempts' | 'retentionMs'>,
  ) {}

  /**
   * Accepts one job with one Redis round trip: its queue entry and its place
   * in the tenant's index. A job not accepted gives back its Idempotency-Key
   * claim (`idempotencyKey`, the claim's Redis key), so a retry can use it.
   */
  async submit(job: SubmitAsyncJob, idempotencyKey: string | undefined): Promise<AsyncJobView> {
    const { tenant } = job.caller;
    const createdAt = Date.now();
    const payload = this.payloadOf(job, createdAt);
    try {
      // Both go out on the one connection in one write (with the other requests of this turn): one
      // round trip. Not a MULTI: an ioredis pipeline copies every script BullMQ defined on the connection.
      coalesceWrites(this.redis);
      const index = this.index.key(tenant);
      const added = Promise.all([this.redis.zadd(index, createdAt, job.jobId), this.producer.enqueue(payload, this.enqueueOptions(job))]);
      // The index lives as long as its newest entry, so a tenant that stops submitting leaves nothing behind.
      this.redis.pexpire(index, this.options.retentionMs).catch(() => undefined);
      await added;
      this.index.trim(index, createdAt);
    } catch (cause) {
      const cleanup = this.redis.multi().zrem(this.index.key(tenant), job.jobId);
      if (idempotencyKey !== undefined) cleanup.del(idempotencyKey);
      await cleanup.exec().catch(() => undefined);
      throw queueFailure(cause, 'The job queue is unavailable; the job was not accepted.');
    }
    return asyncJobView(job.jobId, { status: 'queued', payload, createdAt, attempts: 0 });
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
      records.zadd(this.index.key(tenant), ...members);
      records.zremrangebyscore(this.index.key(tenant), '-inf', createdAt - this.options.retentionMs);
      records.pexpire(this.index.key(tenant), this.options.retentionMs);
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
}
