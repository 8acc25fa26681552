import type { AsyncJobView, BatchLine, BatchLineError, CallerIdentity, LlmJobPayload, ResolvedRoute } from '@switchyard/contracts';
import { toHttpError } from '@switchyard/contracts';
import { injectTraceContext } from '@switchyard/observability';
import { newAsyncJobId } from '../jobs/async-job-id';
import type { SubmitAsyncJob } from '../jobs/submit-async-job';

/** BullMQ runs jobs without a priority first, then lower numbers: batch lines come after every other job. */
export const BATCH_PRIORITY = 2_000_000;

/** How a batch's lines run: as async jobs, of which a batch needs this much. */
export interface BatchJobs {
  submitMany(jobs: readonly SubmitAsyncJob[]): Promise<AsyncJobView[]>;
  cancel(jobId: string, tenant: string, onDropped: (payload: LlmJobPayload) => void): Promise<AsyncJobView>;
}

/** Picks the route (and its fallbacks) a line's request goes to; throws for a model that cannot be served. */
export type RouteBatchLine = (line: BatchLine) => { route: ResolvedRoute; fallbacks: ResolvedRoute[] };

/** A batch line's job, and the line's place in the input. */
export type BatchLineJob = SubmitAsyncJob & { line: number };

/**
 * One low-priority job per line, each routed first: a line whose model
 * cannot be routed is added to `errors` (by its line number) instead, so a
 * model that does not exist fails the batch, not a thousand jobs.
 */
export function batchLineJobs(
  batchId: string,
  lines: readonly BatchLine[],
  caller: CallerIdentity,
  route: RouteBatchLine,
  errors: BatchLineError[],
): BatchLineJob[] {
  const routed: BatchLineJob[] = [];
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
        batch: { id: batchId, line: index, customId: line.customId },
        trace,
      });
    } catch (error) {
      const http = toHttpError(error);
      errors.push({
        code: http.body.error.code,
        message: `Line ${line.lineNumber}: ${http.body.error.message}`,
        line: line.lineNumber,
        param: http.body.error.param,
      });
    }
  }
  return routed;
}
