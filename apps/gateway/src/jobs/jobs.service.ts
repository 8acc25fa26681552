import { Inject, Injectable } from '@nestjs/common';
import { type KeyLimiter } from '@switchyard/admission';
import { type AsyncJobPage, type AsyncJobs, asyncJobFrom, newAsyncJobId } from '@switchyard/async-jobs';
import type { ModelCatalog } from '@switchyard/config';
import {
  type AsyncJobView,
  type CallerIdentity,
  ErrorCode,
  InvalidRequestError,
  type JobListQuery,
  type LlmJobPayload,
  NotFoundError,
  type PromptReference,
  type ResolvedRoute,
  SwitchyardError,
} from '@switchyard/contracts';
import type { UsageSink } from '@switchyard/database';
import { buildDroppedRecord, buildRejectedRecord } from '@switchyard/database';
import { ATTR_SWITCHYARD_JOB_ID, injectTraceContext, type Span, withServerSpan } from '@switchyard/observability';
import type { PromptResolver } from '@switchyard/prompts';
import { isRequestJobId } from '../request/request-id';
import { type IncomingRequest, type RequestRouting, routedAsyncJob } from '../request/routed-request';
import { structuredSettingsOf } from '../request/structured-request';
import { ASYNC_JOBS, KEY_LIMITS, MODEL_CATALOG, PROMPT_RESOLVER, USAGE } from '../tokens';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@Injectable()
export class JobsService {
  private readonly routing: RequestRouting;

  constructor(
    @Inject(MODEL_CATALOG) catalog: ModelCatalog,
    @Inject(ASYNC_JOBS) private readonly jobs: AsyncJobs,
    @Inject(USAGE) private readonly usage: UsageSink,
    @Inject(KEY_LIMITS) private readonly keyLimits: KeyLimiter,
    @Inject(PROMPT_RESOLVER) prompts: PromptResolver,
  ) {
    this.routing = { catalog, prompts };
  }

  /** Validates, routes and queues the job; the answer does not wait for it to run. `ids.jobId` names a refused request's row. */
  async create(
    incoming: IncomingRequest,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
  ): Promise<{ view: AsyncJobView; replayed: boolean }> {
    // The job carries this span's context, so its worker's span continues the caller's trace.
    return withServerSpan('POST /v1/jobs', incoming.headers, {}, (span) => this.accept(incoming, caller, ids, span));
  }

  private async accept(
    incoming: IncomingRequest,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    span: Span,
  ): Promise<{ view: AsyncJobView; replayed: boolean }> {
    const receivedAt = Date.now();
    let route: ResolvedRoute | undefined;
    let prompt: PromptReference | undefined;
    try {
      // Validated, rendered and routed once per request: the key's charge estimate may have done it already.
      const routed = routedAsyncJob(incoming, this.routing, caller);
      const parsed = await routed.body();
      prompt = parsed.prompt;
      const idempotencyKey = incoming.headers['idempotency-key'];
      if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
        throw new InvalidRequestError('Idempotency-Key must be 1 to 255 printable ASCII characters.', { param: 'Idempotency-Key' });
      }
      const structured = structuredSettingsOf(incoming.headers);
      const chain = await routed.chain();
      route = chain.route;
      const jobId = newAsyncJobId(chain.route.provider);
      span.setAttribute(ATTR_SWITCHYARD_JOB_ID, jobId);
      const job = asyncJobFrom(parsed, {
        jobId,
        requestId: ids.requestId === ids.jobId ? jobId : ids.requestId,
        route: chain.route,
        fallbacks: chain.fallbacks,
        caller: parsed.request.user === undefined ? caller : { ...caller, user: parsed.request.user },
        trace: injectTraceContext(),
        ...(prompt === undefined ? {} : { prompt }),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(structured === undefined ? {} : { structured }),
      });
      const submitted = await this.jobs.submit(job, () => JSON.stringify(incoming.body));
      // The same job again: it was charged when it was first accepted.
      if (submitted.replayed) this.keyLimits.refund(caller);
      return submitted;
    } catch (error) {
      this.usage.record(buildRejectedRecord({ jobId: ids.jobId, requestId: ids.requestId, caller, body: incoming.body, route, error, receivedAt, prompt }));
      this.keyLimits.refund(caller);
      throw error;
    }
  }

  get(jobId: string, caller: CallerIdentity): Promise<AsyncJobView> {
    return this.jobs.get(jobId, caller.tenant).catch((error: unknown) => {
      // A chat completion's job id (a 504 names one) has no status URL here: say where it is found.
      if (SwitchyardError.isInstance(error) && error.code === ErrorCode.NotFound && isRequestJobId(jobId)) {
        throw new NotFoundError(
          `No job with id '${jobId}': it names a request, not an async job; GET /v1/requests/${jobId} answers with its outcome once it ends.`,
        );
      }
      throw error;
    });
  }

  /** A job taken off its queue before it ran gets its row here, since no worker will see it. */
  cancel(jobId: string, caller: CallerIdentity): Promise<AsyncJobView> {
    return this.jobs.cancel(jobId, caller.tenant, (payload: LlmJobPayload) => {
      this.usage.record(buildDroppedRecord(payload, jobId));
      this.keyLimits.refund(payload.caller);
    });
  }

  list(caller: CallerIdentity, query: JobListQuery): Promise<AsyncJobPage> {
    return this.jobs.list(caller.tenant, {
      limit: query.limit,
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.status === undefined ? {} : { status: query.status }),
    });
  }
}
