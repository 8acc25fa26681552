import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AsyncJobView, IdempotencyConflictError, idempotencyKey, NotFoundError, ServiceUnavailableError } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import type { AsyncJobsOptions } from './async-jobs-options';
import type { JobLookup } from './job-lookup';
import type { SubmitAsyncJob } from './submit-async-job';

const IDEMPOTENCY_MS = 24 * 3600 * 1000;
/** How long a repeat waits for the job a concurrent first request is queueing: 40 lookups 50 ms apart. */
const CLAIM_LOOKUPS = 40;
const CLAIM_LOOKUP_INTERVAL_MS = 50;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A job sent with an Idempotency-Key. */
export type KeyedAsyncJob = SubmitAsyncJob & { idempotencyKey: string };

export function hasIdempotencyKey(job: SubmitAsyncJob): job is KeyedAsyncJob {
  return job.idempotencyKey !== undefined;
}

/** The key was free and is now this job's (`claimed`, its Redis key), or an earlier request with the same body has it. */
export type IdempotencyClaim = { claimed: string; earlier?: undefined } | { earlier: AsyncJobView };

/**
 * Idempotency-Keys, per tenant: the first request with a key claims it for
 * its job and body; a repeat with the same body is answered with that job,
 * one with another body is refused.
 */
export class IdempotencyClaims {
  constructor(
    private readonly redis: Redis,
    private readonly options: Pick<AsyncJobsOptions, 'prefix'>,
    private readonly lookup: Pick<JobLookup, 'get'>,
  ) {}

  /** `body` is the request as sent: the same key must come with the same request. */
  async claim(job: KeyedAsyncJob, body: () => string): Promise<IdempotencyClaim> {
    const { tenant } = job.caller;
    const claimKey = idempotencyKey(this.options.prefix, tenant, sha256(job.idempotencyKey));
    const bodyHash = sha256(body());
    const claim = `${job.jobId} ${bodyHash}`;
    const claimed = await this.redis.set(claimKey, claim, 'PX', IDEMPOTENCY_MS, 'NX');
    if (claimed !== null) return { claimed: claimKey };
    const [earlierJob, earlierBody] = (await this.redis.get(claimKey))?.split(' ') ?? [];
    if (earlierJob === undefined) throw new ServiceUnavailableError('The Idempotency-Key is being claimed by another request; retry.');
    if (earlierBody !== bodyHash) throw new IdempotencyConflictError(earlierJob);
    return { earlier: await this.claimedJob(earlierJob, tenant) };
  }

  /**
   * The job of an earlier request with the same Idempotency-Key. Its claim is
   * written before its job is queued, so a concurrent repeat may find the
   * claim first: a job not there yet is looked for again for a short while.
   */
  private async claimedJob(jobId: string, tenant: string): Promise<AsyncJobView> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.lookup.get(jobId, tenant);
      } catch (error) {
        if (!(error instanceof NotFoundError) || attempt >= CLAIM_LOOKUPS) throw error;
        await sleep(CLAIM_LOOKUP_INTERVAL_MS);
      }
    }
  }
}
