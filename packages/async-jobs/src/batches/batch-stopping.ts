import type { LlmJobPayload } from '@switchyard/contracts';
import type { BatchRepository } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { BatchJobs } from './batch-line-jobs';
import type { BatchProgress } from './batch-progress';

/** Stops batches before all their lines ran: cancelled by their tenant, or expired when their window passed. */
export class BatchStopping {
  constructor(
    private readonly batches: BatchRepository,
    private readonly progress: BatchProgress,
    private readonly logger: Logger,
  ) {}

  /**
   * Stops the batch: lines still queued are dropped (and counted as
   * cancelled here), running ones are aborted by their workers. Lines that
   * finished keep their output; the batch ends `cancelled` with both files.
   * A batch that is not running is left as it is.
   */
  async cancel(batchId: string, tenant: string, jobs: BatchJobs, onDropped: (payload: LlmJobPayload) => void): Promise<void> {
    const row = await this.batches.transition(batchId, tenant, ['in_progress'], { status: 'cancelling', cancellingAt: new Date() });
    if (row !== undefined) await this.stop(batchId, tenant, jobs, onDropped);
  }

  /**
   * Stops every batch whose completion window has passed, as OpenAI does:
   * what finished is kept, the rest ends with a `batch_expired` error line,
   * and the batch ends `expired`. Safe to run on every gateway at once: the
   * row's transition lets one of them do each batch.
   */
  async expireDue(jobs: BatchJobs, onDropped: (payload: LlmJobPayload) => void, now: Date): Promise<number> {
    let expired = 0;
    let after: { expiresAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.batches.due(now, 100, after);
      for (const { id, tenant } of page) {
        // Its lines live under this deployment's key prefix; a database shared with another deployment holds its batches too.
        if (!(await this.progress.runsHere(id))) continue;
        const row = await this.batches.transition(id, tenant, ['in_progress'], { status: 'cancelling', expiredAt: now });
        if (row === undefined) continue;
        expired++;
        this.logger.info({ batchId: id, tenant }, 'batch window passed; stopping its remaining lines');
        await this.stop(id, tenant, jobs, onDropped);
      }
      const last = page.at(-1);
      if (last === undefined || page.length < 100) return expired;
      after = last;
    }
  }

  /**
   * Marks the batch stopped, so a line that starts from now on ends
   * cancelled even if this gateway stops half-way, then cancels each line's
   * job: queued ones are dropped here, running ones aborted by their workers.
   */
  private async stop(batchId: string, tenant: string, jobs: BatchJobs, onDropped: (payload: LlmJobPayload) => void): Promise<void> {
    await this.progress.markStopped(batchId);
    const jobIds = await this.progress.jobIds(batchId);
    for (let start = 0; start < jobIds.length; start += 100) {
      await Promise.all(
        jobIds
          .slice(start, start + 100)
          .map((jobId) =>
            jobs.cancel(jobId, tenant, onDropped).catch((error: unknown) => this.logger.warn({ err: error, batchId, jobId }, 'batch line not cancelled')),
          ),
      );
    }
  }
}
