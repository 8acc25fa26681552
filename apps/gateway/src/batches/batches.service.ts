import { Inject, Injectable } from '@nestjs/common';
import type { AsyncJobs, BatchRunner } from '@switchyard/async-jobs';
import type { ModelCatalog } from '@switchyard/config';
import type { BatchCreateRequest, BatchList, BatchListQuery, BatchView, CallerIdentity, LlmJobPayload } from '@switchyard/contracts';
import { buildDroppedRecord, type UsageSink } from '@switchyard/database';
import { withServerSpan } from '@switchyard/observability';
import { withUsableResponseFormat } from '../request/structured-request';
import { ASYNC_JOBS, BATCHES, MODEL_CATALOG, USAGE } from '../tokens';

/** OpenAI's Batch API: a JSONL file of chat requests run as low-priority jobs. */
@Injectable()
export class BatchesService {
  constructor(
    @Inject(BATCHES) private readonly batches: BatchRunner,
    @Inject(ASYNC_JOBS) private readonly jobs: AsyncJobs,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(USAGE) private readonly usage: UsageSink,
  ) {}

  create(input: BatchCreateRequest, caller: CallerIdentity, headers: Record<string, string | string[] | undefined>): Promise<BatchView> {
    // Every line's job carries this span's context: the worker spans of a batch join the trace of the request that made it.
    return withServerSpan('POST /v1/batches', headers, {}, () =>
      this.batches.create(input, caller, (line) => this.catalog.resolveChain(withUsableResponseFormat(line.request).model), this.jobs),
    );
  }

  list(caller: CallerIdentity, query: BatchListQuery): Promise<BatchList> {
    return this.batches.list(caller.tenant, { limit: query.limit, ...(query.after === undefined ? {} : { after: query.after }) });
  }

  get(id: string, caller: CallerIdentity): Promise<BatchView> {
    return this.batches.get(id, caller.tenant);
  }

  /** Lines not yet run are dropped (their rows written here, since no worker will see them); running ones are aborted. */
  cancel(id: string, caller: CallerIdentity): Promise<BatchView> {
    return this.batches.cancel(id, caller.tenant, this.jobs, (payload: LlmJobPayload) => this.usage.record(buildDroppedRecord(payload, payload.requestId)));
  }
}
