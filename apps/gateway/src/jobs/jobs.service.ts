import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog } from '@switchyard/config';
import {
  ASYNC_JOB_STATUSES,
  type AsyncJobStatus,
  type AsyncJobView,
  type CallerIdentity,
  InvalidRequestError,
  type LlmJobPayload,
  parseAsyncJobRequest,
  type ResolvedRoute,
} from '@switchyard/contracts';
import { type AsyncJobPage, type AsyncJobs, type BatchRunner, buildDroppedRecord, newAsyncJobId } from '@switchyard/jobs';
import { injectTraceContext } from '@switchyard/observability';
import type { UsageRecorder } from '@switchyard/usage';
import { rejectedRecord } from '../chat/rejected-record';
import { ASYNC_JOBS, BATCHES, MODEL_CATALOG, USAGE } from '../tokens';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface ListQuery {
  limit?: unknown;
  after?: unknown;
  status?: unknown;
}

@Injectable()
export class JobsService {
  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(ASYNC_JOBS) private readonly jobs: AsyncJobs,
    @Inject(USAGE) private readonly usage: UsageRecorder,
    @Inject(BATCHES) private readonly batches: BatchRunner,
  ) {}

  /** Validates, routes and queues the job; the answer does not wait for it to run. `ids.jobId` names a refused request's row. */
  async create(
    body: unknown,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    headers: Record<string, string | string[] | undefined>,
  ): Promise<{ view: AsyncJobView; replayed: boolean }> {
    const receivedAt = Date.now();
    let route: ResolvedRoute | undefined;
    try {
      const parsed = parseAsyncJobRequest(body);
      const idempotencyKey = headers['idempotency-key'];
      if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
        throw new InvalidRequestError('Idempotency-Key must be 1 to 255 printable ASCII characters.', { param: 'Idempotency-Key' });
      }
      const providerHeader = headers['x-switchyard-provider'];
      const chain = this.catalog.resolveChain(parsed.request.model, typeof providerHeader === 'string' && providerHeader !== '' ? providerHeader : undefined);
      route = chain.route;
      const jobId = newAsyncJobId(chain.route.provider);
      return await this.jobs.submit(
        {
          ...parsed,
          jobId,
          requestId: ids.requestId === ids.jobId ? jobId : ids.requestId,
          route: chain.route,
          fallbacks: chain.fallbacks,
          caller: parsed.request.user === undefined ? caller : { ...caller, user: parsed.request.user },
          trace: injectTraceContext(),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        },
        () => JSON.stringify(body),
      );
    } catch (error) {
      this.usage.record(rejectedRecord(body, caller, ids, route, error, receivedAt));
      throw error;
    }
  }

  get(jobId: string, caller: CallerIdentity): Promise<AsyncJobView> {
    return this.jobs.get(jobId, caller.tenant);
  }

  /** A job taken off its queue before it ran gets its row here, since no worker will see it. */
  cancel(jobId: string, caller: CallerIdentity): Promise<AsyncJobView> {
    return this.jobs.cancel(jobId, caller.tenant, (payload: LlmJobPayload) => {
      this.usage.record(buildDroppedRecord(payload, jobId));
      // A batch line cancelled on its own still counts towards its batch, or the batch would never end.
      if (payload.batch !== undefined) void this.batches.lineEnded(payload, jobId, { status: 'cancelled', attempts: 0 }).catch(() => undefined);
    });
  }

  list(caller: CallerIdentity, query: ListQuery): Promise<AsyncJobPage> {
    const limit = query.limit === undefined ? 20 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidRequestError('limit must be a whole number from 1 to 100.', { param: 'limit' });
    if (query.status !== undefined && !ASYNC_JOB_STATUSES.includes(query.status as AsyncJobStatus)) {
      throw new InvalidRequestError(`status must be one of: ${ASYNC_JOB_STATUSES.join(', ')}.`, { param: 'status' });
    }
    if (query.after !== undefined && typeof query.after !== 'string') throw new InvalidRequestError('after must be a job id.', { param: 'after' });
    return this.jobs.list(caller.tenant, {
      limit,
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.status === undefined ? {} : { status: query.status as AsyncJobStatus }),
    });
  }
}
