import { type CallerIdentity, type ChatCompletionRequest, LLM_JOB_VERSION, type LlmJobPayload, type ResolvedRoute } from '@switchyard/contracts';

/** What every way in knows about a request when it becomes a job. */
export interface JobRequest {
  requestId: string;
  route: ResolvedRoute;
  fallbacks?: readonly ResolvedRoute[];
  request: ChatCompletionRequest;
  caller: CallerIdentity;
  trace?: Record<string, string>;
  replyTo?: string;
  webhook?: LlmJobPayload['webhook'];
  batch?: LlmJobPayload['batch'];
  /** The caller's structured-output settings (re-asks), when it gave any. */
  structured?: LlmJobPayload['structured'];
  /** The stored prompt the messages were rendered from. */
  prompt?: LlmJobPayload['prompt'];
  /** The session this job is a turn of. */
  session?: LlmJobPayload['session'];
}

/** The one place a job payload is assembled, for the sync, streaming, async, bulk and batch ways in. */
export function buildJobPayload(job: JobRequest, enqueuedAt: number, deadline?: number): LlmJobPayload {
  return {
    v: LLM_JOB_VERSION,
    kind: 'chat.completion',
    requestId: job.requestId,
    route: job.route,
    request: job.request,
    caller: job.caller,
    enqueuedAt,
    ...(deadline === undefined ? {} : { deadline }),
    ...(job.replyTo === undefined ? {} : { replyTo: job.replyTo }),
    ...(job.trace === undefined ? {} : { trace: job.trace }),
    ...(job.fallbacks === undefined || job.fallbacks.length === 0 ? {} : { fallbacks: [...job.fallbacks] }),
    ...(job.webhook === undefined ? {} : { webhook: job.webhook }),
    ...(job.batch === undefined ? {} : { batch: job.batch }),
    ...(job.structured === undefined ? {} : { structured: job.structured }),
    ...(job.prompt === undefined ? {} : { prompt: job.prompt }),
    ...(job.session === undefined ? {} : { session: job.session }),
  };
}
