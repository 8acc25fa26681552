import type { LlmJobPayload } from '@switchyard/contracts';
import type { BatchRepository } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { JobFacts } from '../jobs/async-job-view';
import type { BatchFiles } from './batch-files';
import { asExpired, outputLine } from './batch-output-lines';
import type { BatchProgress } from './batch-progress';

/**
 * Counts each line's outcome as its output line; whoever records the last
 * one (a worker, or the gateway for lines cancelled before they ran) writes
 * the output and error files and ends the batch.
 */
export class BatchCompletion {
  constructor(
    private readonly files: BatchFiles,
    private readonly batches: BatchRepository,
    private readonly progress: BatchProgress,
    private readonly logger: Logger,
  ) {}

  /** A line's job ended (a worker, or a cancel before it ran): its output line is kept, and the last one completes the batch. */
  async lineEnded(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error' | 'attempts'>): Promise<void> {
    const batch = payload.batch;
    if (batch === undefined) return;
    const ok = facts.status === 'succeeded';
    const output = JSON.stringify(outputLine(payload, jobId, facts));
    const last = await this.progress.recordLine(batch.id, batch.line, ok, output);
    if (last) await this.finish(batch.id, payload.caller.tenant);
  }

  /** Writes the output and error files, in input order, and ends the batch. */
  private async finish(batchId: string, tenant: string): Promise<void> {
    const finalizing = await this.batches.transition(batchId, tenant, ['in_progress', 'cancelling'], { finalizingAt: new Date() });
    if (finalizing === undefined) return;
    const recorded = await this.progress.recordedLines(batchId);
    const outputs = recorded.outputs;
    const expired = finalizing.expiredAt !== null;
    // Lines stopped because the window passed were cancelled like any other; their error says why.
    const failures = expired ? recorded.failures.map(asExpired) : recorded.failures;
    const write = async (lines: string[], kind: string) =>
      lines.length === 0
        ? null
        : (await this.files.create({ tenant, purpose: 'batch_output', filename: `${batchId}_${kind}.jsonl`, content: Buffer.from(`${lines.join('\n')}\n`) }))
            .id;
    const [outputFileId, errorFileId] = await Promise.all([write(outputs, 'output'), write(failures, 'error')]);
    const now = new Date();
    const cancelled = finalizing.status === 'cancelling';
    const ending = expired
      ? { status: 'expired' as const }
      : cancelled
        ? { status: 'cancelled' as const, cancelledAt: now }
        : { status: 'completed' as const, completedAt: now };
    await this.batches.transition(batchId, tenant, ['in_progress', 'cancelling'], {
      ...ending,
      outputFileId,
      errorFileId,
      completed: outputs.length,
      failed: failures.length,
    });
    await this.progress.remove(batchId);
    this.logger.info({ batchId, completed: outputs.length, failed: failures.length }, `batch ${ending.status}`);
  }
}
