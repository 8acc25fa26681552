import { randomUUID } from 'node:crypto';
import {
  type BatchCreateRequest,
  type BatchLine,
  type BatchLineError,
  type BatchView,
  type CallerIdentity,
  InvalidRequestError,
  type LlmJobPayload,
  NotFoundError,
  parseBatchInput,
  type ResolvedRoute,
  type SerializedError,
  deserializeError,
  toHttpError,
} from '@switchyard/contracts';
import { injectTraceContext, type Logger } from '@switchyard/observability';
import type { BatchRepository, BatchRow } from '@switchyard/database';
import type { Redis } from 'ioredis';
import type { AsyncJobs, SubmitAsyncJob } from '../jobs/async-jobs';
import type { JobFacts } from '../jobs/async-job-view';
import { newAsyncJobId } from '../jobs/async-jobs';
import { batchStoppedKey } from '@switchyard/queue';
import { runScript } from '@switchyard/queue';
import { unixSeconds } from '@switchyard/queue';

/** Where batch input comes from and output goes: the Files API's store. */
export interface BatchFiles {
  create(file: { tenant: string; purpose: string; filename: string; content: Buffer }): Promise<{ id: string }>;
  content(id: string, tenant: string): Promise<Buffer | undefined>;
  get(id: string, tenant: string): Promise<{ purpose: string } | undefined>;
}

/** BullMQ runs jobs without a priority first, then lower numbers: batch lines come after every other job. */
export const BATCH_PRIORITY = 2_000_000;
const WINDOW_MS = 24 * 3600 * 1000;
const SUBMIT_CHUNK = 1_000;

// Counts a line once (a job run twice records the same line twice) and says whether it was the last.
// The lines expire with the batch's other keys, should the batch never be finished.
const RECORD_LINE = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return -1 end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local done = redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
local progress = redis.call('HMGET', KEYS[1], 'total', 'completed', 'failed')
if tonumber(progress[2] or '0') + tonumber(progress[3] or '0') == tonumber(progress[1] or '-1') then return 1 end
return 0
`;


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
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly files: BatchFiles,
    private readonly batches: BatchRepository,
    private readonly logger: Logger,
  ) {}

  private keys(batchId: string) {
    const base = `${this.prefix}:batch:${batchId}`;
    return { progress: base, lines: `${base}:lines`, jobs: `${base}:jobs` };
  }

  /** Validates the input file and starts the batch; a file with bad lines makes a `failed` batch that names them. */
  async create(
    input: BatchCreateRequest,
    caller: CallerIdentity,
    route: (line: BatchLine) => { route: ResolvedRoute; fallbacks: ResolvedRoute[] },
    jobs: AsyncJobs,
  ): Promise<BatchView> {
    const file = await this.files.get(input.input_file_id, caller.tenant);
    if (file === undefined) throw new NotFoundError(`No file with id '${input.input_file_id}'.`);
    if (file.purpose !== 'batch') throw new InvalidRequestError(`File '${input.input_file_id}' was uploaded with purpose '${file.purpose}', not 'batch'.`, { param: 'input_file_id' });
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
      expiresAt: new Date(now.getTime() + WINDOW_MS),
    };
    // Routing every line first: a model that does not exist fails the batch, not a thousand jobs.
    const routed: (SubmitAsyncJob & { line: number })[] = [];
    const trace = injectTraceContext();
    for (const [index, line] of lines.entries()) {
      try {
        const chain = route(line);
        const jobId = newAsyncJobId(chain.route.provider);
        routed.push({
          line: index,
          jobId,
          requestId: jobId,
          route: chain.route,
          fallbacks: chain.fallbacks,
          request: line.request,
          caller,
          priority: BATCH_PRIORITY,
          batch: { id, line: index, customId: line.customId },
          trace,
        });
      } catch (error) {
        const http = toHttpError(error);
        errors.push({ code: http.body.error.code, message: `Line ${line.lineNumber}: ${http.body.error.message}`, line: line.lineNumber, param: http.body.error.param });
      }
    }
    if (errors.length > 0) {
      errors.sort((a, b) => a.line - b.line);
      const row = await this.batches.insert({ ...base, status: 'failed', total: 0, errors, failedAt: now });
      return batchView(row);
    }
    const keys = this.keys(id);
    await this.redis
      .multi()
      .hset(keys.progress, 'total', String(routed.length), 'completed', '0', 'failed', '0', 'tenant', caller.tenant)
      .pexpire(keys.progress, WINDOW_MS * 2)
      .exec();
    const row = await this.batches.insert({ ...base, status: 'in_progress', total: routed.length, errors: null, failedAt: null, inProgressAt: now });
    let queued = 0;
    try {
      for (let start = 0; start < routed.length; start += SUBMIT_CHUNK) {
        const chunk = routed.slice(start, start + SUBMIT_CHUNK);
        await jobs.submitMany(chunk);
        await this.redis.rpush(keys.jobs, ...chunk.map((job) => job.jobId));
        queued += chunk.length;
      }
    } catch (error) {
      // The lines already queued still run and end the batch; the rest never will, so they leave the count.
      const failure = { code: 'enqueue_failed', message: `Only ${queued} of ${routed.length} requests could be queued; the rest were not run.`, line: 0, param: null };
      await this.redis.hset(keys.progress, 'total', String(queued)).catch(() => undefined);
      await this.batches.transition(id, caller.tenant, ['in_progress'], { total: queued, errors: [failure], ...(queued === 0 ? { status: 'failed' as const, failedAt: new Date() } : {}) });
      throw error;
    }
    await this.redis.pexpire(keys.jobs, WINDOW_MS * 2);
    return batchView(row);
  }

  async get(batchId: string, tenant: string): Promise<BatchView> {
    const row = await this.batches.get(batchId, tenant);
    if (row === undefined) throw new NotFoundError(`No batch with id '${batchId}'.`);
    if (row.status !== 'in_progress' && row.status !== 'cancelling') return batchView(row);
    // Progress is counted in Redis while lines run; the row is written when the batch ends.
    const [completed, failed] = await this.redis.hmget(this.keys(batchId).progress, 'completed', 'failed');
    return batchView({ ...row, completed: Number(completed ?? 0), failed: Number(failed ?? 0) });
  }

  async list(tenant: string, options: { limit: number; after?: string }): Promise<{ object: 'list'; data: BatchView[]; has_more: boolean; first_id: string | null; last_id: string | null }> {
    const rows = await this.batches.list(tenant, { ...options, limit: options.limit + 1 });
    const data = rows.slice(0, options.limit).map(batchView);
    return { object: 'list', data, has_more: rows.length > options.limit, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  /**
   * Stops the batch: lines still queued are dropped (and counted as
   * cancelled here), running ones are aborted by their workers. Lines that
   * finished keep their output; the batch ends `cancelled` with both files.
   */
  async cancel(batchId: string, tenant: string, jobs: AsyncJobs, onDropped: (payload: LlmJobPayload) => void): Promise<BatchView> {
    const row = await this.batches.transition(batchId, tenant, ['in_progress'], { status: 'cancelling', cancellingAt: new Date() });
    if (row !== undefined) await this.stop(batchId, tenant, jobs, onDropped);
    return this.get(batchId, tenant);
  }

  /**
   * Stops every batch whose completion window has passed, as OpenAI does:
   * what finished is kept, the rest ends with a `batch_expired` error line,
   * and the batch ends `expired`. Safe to run on every gateway at once: the
   * row's transition lets one of them do each batch.
   */
  async expireDue(jobs: AsyncJobs, onDropped: (payload: LlmJobPayload) => void, now = new Date()): Promise<number> {
    let expired = 0;
    let after: { expiresAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.batches.due(now, 100, after);
      for (const { id, tenant } of page) {
        // Its lines live under this deployment's key prefix; a database shared with another deployment holds its batches too.
        if ((await this.redis.exists(this.keys(id).progress)) === 0) continue;
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
  private async stop(batchId: string, tenant: string, jobs: AsyncJobs, onDropped: (payload: LlmJobPayload) => void): Promise<void> {
    await this.redis.set(batchStoppedKey(this.prefix, batchId), '1', 'PX', WINDOW_MS * 2);
    const jobIds = await this.redis.lrange(this.keys(batchId).jobs, 0, -1);
    for (let start = 0; start < jobIds.length; start += 100) {
      await Promise.all(
        jobIds.slice(start, start + 100).map((jobId) =>
          jobs
            .cancel(jobId, tenant, onDropped)
            .catch((error: unknown) => this.logger.warn({ err: error, batchId, jobId }, 'batch line not cancelled')),
        ),
      );
    }
  }

  /** A line's job ended (a worker, or a cancel before it ran): its output line is kept, and the last one completes the batch. */
  async lineEnded(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error' | 'attempts'>): Promise<void> {
    const batch = payload.batch;
    if (batch === undefined) return;
    const keys = this.keys(batch.id);
    const ok = facts.status === 'succeeded';
    const output = JSON.stringify(outputLine(payload, jobId, facts));
    const last = await runScript(this.redis, 'switchyardBatchLine', RECORD_LINE, 2, [keys.progress, keys.lines, String(batch.line), `${ok ? '1' : '0'}${output}`, ok ? 'completed' : 'failed', String(WINDOW_MS * 2)]);
    if (last === 1) await this.finish(batch.id, payload.caller.tenant);
  }

  /** Writes the output and error files, in input order, and ends the batch. */
  private async finish(batchId: string, tenant: string): Promise<void> {
    const keys = this.keys(batchId);
    const finalizing = await this.batches.transition(batchId, tenant, ['in_progress', 'cancelling'], { finalizingAt: new Date() });
    if (finalizing === undefined) return;
    const recorded = await this.redis.hgetall(keys.lines);
    const ordered = Object.entries(recorded).sort(([a], [b]) => Number(a) - Number(b));
    const outputs = ordered.filter(([, value]) => value.startsWith('1')).map(([, value]) => value.slice(1));
    const expired = finalizing.expiredAt !== null;
    // Lines stopped because the window passed were cancelled like any other; their error says why.
    const failures = ordered.filter(([, value]) => value.startsWith('0')).map(([, value]) => (expired ? asExpired(value.slice(1)) : value.slice(1)));
    const write = async (lines: string[], kind: string) =>
      lines.length === 0 ? null : (await this.files.create({ tenant, purpose: 'batch_output', filename: `${batchId}_${kind}.jsonl`, content: Buffer.from(`${lines.join('\n')}\n`) })).id;
    const [outputFileId, errorFileId] = await Promise.all([write(outputs, 'output'), write(failures, 'error')]);
    const now = new Date();
    const cancelled = finalizing.status === 'cancelling';
    const ending = expired ? { status: 'expired' as const } : cancelled ? { status: 'cancelled' as const, cancelledAt: now } : { status: 'completed' as const, completedAt: now };
    await this.batches.transition(batchId, tenant, ['in_progress', 'cancelling'], {
      ...ending,
      outputFileId,
      errorFileId,
      completed: outputs.length,
      failed: failures.length,
    });
    await this.redis.unlink(keys.progress, keys.lines, keys.jobs, batchStoppedKey(this.prefix, batchId));
    this.logger.info({ batchId, completed: outputs.length, failed: failures.length }, `batch ${ending.status}`);
  }
}

/** One line of the output (or error) file, as OpenAI's Batch API writes it. */
function outputLine(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error'>): unknown {
  const id = `batch_req_${jobId}`;
  const customId = payload.batch?.customId;
  if (facts.status === 'succeeded') {
    return { id, custom_id: customId, response: { status_code: 200, request_id: payload.requestId, body: facts.result ?? null }, error: null };
  }
  if (facts.status === 'cancelled') {
    return { id, custom_id: customId, response: null, error: { code: 'batch_cancelled', message: 'The request was cancelled with its batch.' } };
  }
  const error = typeof facts.error === 'string' ? (safeParse(facts.error) as SerializedError | undefined) : facts.error;
  const http = toHttpError(error === undefined ? undefined : deserializeError(error));
  return { id, custom_id: customId, response: { status_code: http.status, request_id: payload.requestId, body: http.body }, error: null };
}

/** A line cancelled because its batch's window passed, as OpenAI reports it. */
function asExpired(line: string): string {
  const parsed = safeParse(line) as { error?: { code?: string } } | undefined;
  if (parsed?.error?.code !== 'batch_cancelled') return line;
  return JSON.stringify({ ...parsed, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function batchView(row: BatchRow): BatchView {
  return {
    id: row.id,
    object: 'batch',
    endpoint: row.endpoint,
    errors: row.errors === null ? null : { object: 'list', data: row.errors as BatchLineError[] },
    input_file_id: row.inputFileId,
    completion_window: row.completionWindow,
    status: row.status,
    output_file_id: row.outputFileId,
    error_file_id: row.errorFileId,
    created_at: unixSeconds(row.createdAt) ?? 0,
    in_progress_at: unixSeconds(row.inProgressAt),
    expires_at: unixSeconds(row.expiresAt) ?? 0,
    finalizing_at: unixSeconds(row.finalizingAt),
    completed_at: unixSeconds(row.completedAt),
    failed_at: unixSeconds(row.failedAt),
    expired_at: unixSeconds(row.expiredAt),
    cancelling_at: unixSeconds(row.cancellingAt),
    cancelled_at: unixSeconds(row.cancelledAt),
    request_counts: { total: row.total, completed: row.completed, failed: row.failed },
    metadata: row.metadata,
  };
}
