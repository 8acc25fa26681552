import type {
  AsyncJobView,
  BatchLine,
  BatchLineError,
  CallerIdentity,
  ChatCompletionRequest,
  LlmJobPayload,
  PromptReference,
  ResolvedRoute,
} from '@switchyard/contracts';
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

/** A line ready for its job: the chat request (rendered, when the line names a prompt) and where it goes. */
export interface RoutedBatchLine {
  route: ResolvedRoute;
  fallbacks: ResolvedRoute[];
  request: ChatCompletionRequest;
  prompt?: PromptReference;
}

/**
 * Renders a line that names a stored prompt and picks the route (and its
 * fallbacks) its request goes to; throws for a model or prompt that cannot
 * be served.
 */
export type RouteBatchLine = (line: BatchLine) => RoutedBatchLine | Promise<RoutedBatchLine>;

/** A batch line's job, and the line's place in the input. */
export type BatchLineJob = SubmitAsyncJob & { line: number };

/**
 * One low-priority job per line, each rendered and routed first: a line
 * whose model or prompt cannot be used is added to `errors` (by its line
 * number) instead, so a model that does not exist fails the batch, not a
 * thousand jobs.
 */
export async function batchLineJobs(
  batchId: string,
  lines: readonly BatchLine[],
  caller: CallerIdentity,
  route: RouteBatchLine,
  errors: BatchLineError[],
): Promise<BatchLineJob[]> {
  const routed: BatchLineJob[] = [];
  const trace = injectTraceContext();
  for (const [index, line] of lines.entries()) {
    try {
      const routing = route(line);
      // Lines without a prompt route synchronously: no await, no turn of the event loop each.
      const chain = routing instanceof Promise ? await routing : routing;
      const jobId = newAsyncJobId(chain.route.provider);
      const job: BatchLineJob = {
        line: index,
        jobId,
        requestId: jobId,
        route: chain.route,
        fallbacks: chain.fallbacks,
        request: chain.request,
        caller,
        priority: BATCH_PRIORITY,
        batch: { id: batchId, line: index, customId: line.customId },
        trace,
      };
      if (chain.prompt !== undefined) job.prompt = chain.prompt;
      routed.push(job);
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
