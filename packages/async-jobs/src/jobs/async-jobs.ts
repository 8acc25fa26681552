import type { AsyncJobStatus, AsyncJobView, LlmJobPayload } from '@switchyard/contracts';
import type { LlmJobProducer } from '@switchyard/queue';
import type { Redis } from 'ioredis';
import type { AsyncJobsOptions } from './async-jobs-options';
import { CancelRecords } from './cancel-records';
import { hasIdempotencyKey, IdempotencyClaims } from './idempotency-claims';
import { JobCancellation } from './job-cancellation';
import { type AsyncJobPage, JobListing } from './job-listing';
import { JobLookup } from './job-lookup';
import type { BatchLineSink, WebhookSink } from './job-outcome-sinks';
import { JobSubmission } from './job-submission';
import type { SubmitAsyncJob } from './submit-async-job';
import { TenantJobIndex } from './tenant-job-index';

/**
 * The async way in: a job is accepted with one Redis round trip (its queue
 * entry and its place in the tenant's index), answered at once, and looked
 * up later by id. The job itself is the BullMQ job: its id names its queue,
 * its payload its tenant, and a lookup follows it along its fallback chain.
 */
export class AsyncJobs {
  private readonly lookup: JobLookup;
  private readonly submission: JobSubmission;
  private readonly idempotency: IdempotencyClaims;
  private readonly cancellation: JobCancellation;
  private readonly listing: JobListing;

  constructor(
    redis: Redis,
    producer: LlmJobProducer,
    options: AsyncJobsOptions,
    webhooks?: WebhookSink,
    /** A dropped batch line still counts towards its batch, or the batch would never end. */
    batches?: BatchLineSink,
  ) {
    const cancels = new CancelRecords(redis, options);
    const index = new TenantJobIndex(redis, options);
    this.lookup = new JobLookup(producer, cancels, options);
    this.submission = new JobSubmission(redis, producer, index, options);
    this.idempotency = new IdempotencyClaims(redis, options, this.lookup);
    this.cancellation = new JobCancellation(producer, this.lookup, cancels, webhooks, batches);
    this.listing = new JobListing(redis, index, this.lookup);
  }

  /**
   * Accepts the job; with an Idempotency-Key seen before (same body), answers the earlier job's id instead.
   * `body` is read only with an Idempotency-Key: the same key must come with the same request.
   */
  async submit(job: SubmitAsyncJob, body: () => string): Promise<{ view: AsyncJobView; replayed: boolean }> {
    let idempotencyKey: string | undefined;
    if (hasIdempotencyKey(job)) {
      const claim = await this.idempotency.claim(job, body);
      if (claim.earlier !== undefined) return { view: claim.earlier, replayed: true };
      idempotencyKey = claim.claimed;
    }
    return { view: await this.submission.submit(job, idempotencyKey), replayed: false };
  }

  /**
   * Accepts many jobs with one round trip for their index entries and one
   * per provider queue for the jobs.
   */
  submitMany(jobs: readonly SubmitAsyncJob[]): Promise<AsyncJobView[]> {
    return this.submission.submitMany(jobs);
  }

  get(jobId: string, tenant: string): Promise<AsyncJobView> {
    return this.lookup.get(jobId, tenant);
  }

  /** See `JobCancellation.cancel`: without `onDropped`, a queued job is left for a worker to end cancelled. */
  cancel(jobId: string, tenant: string, onDropped?: (payload: LlmJobPayload) => void): Promise<AsyncJobView> {
    return this.cancellation.cancel(jobId, tenant, onDropped);
  }

  /** The tenant's jobs, newest first; `status` filters, `after` (a previous page's `last_id`) continues. */
  list(tenant: string, options: { limit: number; after?: string; status?: AsyncJobStatus }): Promise<AsyncJobPage> {
    return this.listing.list(tenant, options);
  }
}
