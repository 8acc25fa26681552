import { type BatchCreateRequest, type BatchView, type CallerIdentity, type LlmJobPayload, NotFoundError } from '@switchyard/contracts';
import type { BatchRepository } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { Redis } from 'ioredis';
import type { JobFacts } from '../jobs/async-job-view';
import { BatchCompletion } from './batch-completion';
import { BatchCreation } from './batch-creation';
import type { BatchFiles } from './batch-files';
import type { BatchJobs, RouteBatchLine } from './batch-line-jobs';
import { BatchProgress } from './batch-progress';
import { BatchStopping } from './batch-stopping';
import { batchView } from './batch-view';

/**
 * OpenAI-style batches on top of async jobs. Creating one checks every line,
 * writes the batch row and queues each line as a low-priority job (in
 * chunks, one round trip per provider each), so a batch never starves
 * interactive traffic and respects the providers' limits like any job. Each
 * line's outcome lands in a Redis hash as its output line; whoever records
 * the last one (a worker, or the gateway for lines cancelled before they
 * ran) writes the output and error files and completes the batch.
 */
export class BatchRunner {
  private readonly progress: BatchProgress;
  private readonly creation: BatchCreation;
  private readonly stopping: BatchStopping;
  private readonly completion: BatchCompletion;

  constructor(
    redis: Redis,
    prefix: string,
    files: BatchFiles,
    private readonly batches: BatchRepository,
    logger: Logger,
  ) {
    this.progress = new BatchProgress(redis, prefix);
    this.creation = new BatchCreation(files, batches, this.progress);
    this.stopping = new BatchStopping(batches, this.progress, logger);
    this.completion = new BatchCompletion(files, batches, this.progress, logger);
  }

  /** Validates the input file and starts the batch; a file with bad lines makes a `failed` batch that names them. */
  create(input: BatchCreateRequest, caller: CallerIdentity, route: RouteBatchLine, jobs: BatchJobs): Promise<BatchView> {
    return this.creation.create(input, caller, route, jobs);
  }

  async get(batchId: string, tenant: string): Promise<BatchView> {
    const row = await this.batches.get(batchId, tenant);
    if (row === undefined) throw new NotFoundError(`No batch with id '${batchId}'.`);
    if (row.status !== 'in_progress' && row.status !== 'cancelling') return batchView(row);
    // Progress is counted in Redis while lines run; the row is written when the batch ends.
    const { completed, failed } = await this.progress.counts(batchId);
    return batchView({ ...row, completed, failed });
  }

  async list(
    tenant: string,
    options: { limit: number; after?: string },
  ): Promise<{ object: 'list'; data: BatchView[]; has_more: boolean; first_id: string | null; last_id: string | null }> {
    const rows = await this.batches.list(tenant, { ...options, limit: options.limit + 1 });
    const data = rows.slice(0, options.limit).map(batchView);
    return { object: 'list', data, has_more: rows.length > options.limit, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  /**
   * Stops the batch: lines still queued are dropped (and counted as
   * cancelled here), running ones are aborted by their workers. Lines that
   * finished keep their output; the batch ends `cancelled` with both files.
   */
  async cancel(batchId: string, tenant: string, jobs: BatchJobs, onDropped: (payload: LlmJobPayload) => void): Promise<BatchView> {
    await this.stopping.cancel(batchId, tenant, jobs, onDropped);
    return this.get(batchId, tenant);
  }

  /** Stops every batch of this deployment whose completion window has passed; answers how many. */
  expireDue(jobs: BatchJobs, onDropped: (payload: LlmJobPayload) => void, now = new Date()): Promise<number> {
    return this.stopping.expireDue(jobs, onDropped, now);
  }

  /** A line's job ended (a worker, or a cancel before it ran): its output line is kept, and the last one completes the batch. */
  lineEnded(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error' | 'attempts'>): Promise<void> {
    return this.completion.lineEnded(payload, jobId, facts);
  }
}
