import { type AsyncJobStatus, type AsyncJobView, type LlmJobPayload, type LlmJobResult, NotFoundError } from '@switchyard/contracts';
import type { LlmJobProducer } from '@switchyard/queue';
import type { Job } from 'bullmq';
import { providerOfJobId } from './async-job-id';
import { asyncJobView, statusOfResult } from './async-job-view';
import type { AsyncJobsOptions } from './async-jobs-options';
import type { CancelRecords } from './cancel-records';

/** The BullMQ states of a job no worker has taken yet. */
export const QUEUED_STATES = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children', 'unknown']);

/** A job as its caller sees it, and the queue job that has (or will have) its answer, where there is one. */
export interface LocatedJob {
  view: AsyncJobView;
  job?: Job<LlmJobPayload>;
}

/**
 * Reads a job's state and result. The job itself is the BullMQ job: its id
 * names its queue, its payload its tenant, and a lookup follows it along its
 * fallback chain.
 */
export class JobLookup {
  constructor(
    private readonly producer: LlmJobProducer,
    private readonly cancels: CancelRecords,
    private readonly options: Pick<AsyncJobsOptions, 'isKnownProvider'>,
  ) {}

  async get(jobId: string, tenant: string): Promise<AsyncJobView> {
    return (await this.locate(jobId, tenant)).view;
  }

  /**
   * Finds the job and follows it along its fallback chain to the job that
   * has (or will have) the answer. Another tenant's job is as absent as one
   * that never was.
   */
  async locate(jobId: string, tenant: string): Promise<LocatedJob> {
    const notFound = new NotFoundError(`No job with id '${jobId}'.`);
    let provider = providerOfJobId(jobId);
    if (provider === undefined || !this.options.isKnownProvider(provider)) throw notFound;
    const [first, cancel] = await Promise.all([
      this.producer.queueFor(provider).getJob(jobId) as Promise<Job<LlmJobPayload> | undefined>,
      this.cancels.read(jobId),
    ]);
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
