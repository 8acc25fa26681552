import { randomUUID } from 'node:crypto';
import { type BatchCreateRequest, type BatchView, type CallerIdentity, InvalidRequestError, NotFoundError, parseBatchInput } from '@switchyard/contracts';
import type { BatchRepository } from '@switchyard/database';
import type { BatchFiles } from './batch-files';
import { type BatchJobs, batchLineJobs, type RouteBatchLine } from './batch-line-jobs';
import { type BatchProgress, COMPLETION_WINDOW_MS } from './batch-progress';
import { batchView } from './batch-view';

const SUBMIT_CHUNK = 1_000;

/**
 * Starts batches: checks every line, writes the batch row and queues each
 * line as a low-priority job, in chunks of SUBMIT_CHUNK (one round trip per
 * provider each).
 */
export class BatchCreation {
  constructor(
    private readonly files: BatchFiles,
    private readonly batches: BatchRepository,
    private readonly progress: BatchProgress,
  ) {}

  /** Validates the input file and starts the batch; a file with bad lines makes a `failed` batch that names them. */
  async create(input: BatchCreateRequest, caller: CallerIdentity, route: RouteBatchLine, jobs: BatchJobs): Promise<BatchView> {
    const file = await this.files.get(input.input_file_id, caller.tenant);
    if (file === undefined) throw new NotFoundError(`No file with id '${input.input_file_id}'.`);
    if (file.purpose !== 'batch')
      throw new InvalidRequestError(`File '${input.input_file_id}' was uploaded with purpose '${file.purpose}', not 'batch'.`, { param: 'input_file_id' });
    const content = (await this.files.content(input.input_file_id, caller.tenant)) ?? Buffer.alloc(0);
    const { lines, errors } = parseBatchInput(content.toString('utf8'));
    const now = new Date();
    const id = `batch_${randomUUID().replaceAll('-', '')}`;
    const base = {
      id,
      tenant: caller.tenant,
      endpoint: input.endpoint,
      inputFileId: input.input_file_id,
      outputFileId: null,
      errorFileId: null,
      completionWindow: input.completion_window,
      completed: 0,
      failed: 0,
      metadata: input.metadata ?? null,
      inProgressAt: null,
      finalizingAt: null,
      completedAt: null,
      cancellingAt: null,
      cancelledAt: null,
      expiredAt: null,
      expiresAt: new Date(now.getTime() + COMPLETION_WINDOW_MS),
    };
    const routed = await batchLineJobs(id, lines, caller, route, errors);
    if (errors.length > 0) {
      errors.sort((a, b) => a.line - b.line);
      const row = await this.batches.insert({ ...base, status: 'failed', total: 0, errors, failedAt: now });
      return batchView(row);
    }
    await this.progress.start(id, routed.length, caller.tenant);
    const row = await this.batches.insert({ ...base, status: 'in_progress', total: routed.length, errors: null, failedAt: null, inProgressAt: now });
    let queued = 0;
    try {
      for (let start = 0; start < routed.length; start += SUBMIT_CHUNK) {
        const chunk = routed.slice(start, start + SUBMIT_CHUNK);
        await jobs.submitMany(chunk);
        await this.progress.addJobs(
          id,
          chunk.map((job) => job.jobId),
        );
        queued += chunk.length;
      }
    } catch (error) {
      // The lines already queued still run and end the batch; the rest never will, so they leave the count.
      const failure = {
        code: 'enqueue_failed',
        message: `Only ${queued} of ${routed.length} requests could be queued; the rest were not run.`,
        line: 0,
        param: null,
      };
      await this.progress.shrinkTotal(id, queued).catch(() => undefined);
      await this.batches.transition(id, caller.tenant, ['in_progress'], {
        total: queued,
        errors: [failure],
        ...(queued === 0 ? { status: 'failed' as const, failedAt: new Date() } : {}),
      });
      throw error;
    }
    await this.progress.allJobsAdded(id);
    return batchView(row);
  }
}
