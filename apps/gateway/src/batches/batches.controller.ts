import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { ModelCatalog } from '@switchyard/config';
import { batchCreateSchema, type BatchView, InvalidRequestError, type LlmJobPayload, requireJsonObject, toInvalidRequestError } from '@switchyard/contracts';
import { type AsyncJobs, type BatchRunner } from '@switchyard/async-jobs';
import { buildDroppedRecord } from '@switchyard/database';
import { withServerSpan } from '@switchyard/observability';
import type { UsageSink } from '@switchyard/database';
import { type AuthenticatedRequest, ApiKeyGuard } from '../auth/api-key.guard';
import { listLimit } from '../list-limit';
import { ASYNC_JOBS, BATCHES, MODEL_CATALOG, USAGE } from '../tokens';

/** OpenAI's Batch API: a JSONL file of chat requests run as low-priority jobs. */
@Controller('v1/batches')
@UseGuards(ApiKeyGuard)
export class BatchesController {
  constructor(
    @Inject(BATCHES) private readonly batches: BatchRunner,
    @Inject(ASYNC_JOBS) private readonly jobs: AsyncJobs,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(USAGE) private readonly usage: UsageSink,
  ) {}

  @Post()
  @HttpCode(200)
  create(@Req() request: AuthenticatedRequest, @Body() body: unknown): Promise<BatchView> {
    requireJsonObject(body);
    const parsed = batchCreateSchema.safeParse(body);
    if (!parsed.success) throw toInvalidRequestError(parsed.error);
    // Every line's job carries this span's context: the worker spans of a batch join the trace of the request that made it.
    return withServerSpan('POST /v1/batches', request.headers, {}, () =>
      this.batches.create(parsed.data, request.caller, (line) => this.catalog.resolveChain(line.request.model), this.jobs),
    );
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query() query: { limit?: unknown; after?: unknown }) {
    const limit = listLimit(query.limit, 20, 100);
    if (query.after !== undefined && typeof query.after !== 'string') throw new InvalidRequestError('after must be a batch id.', { param: 'after' });
    return this.batches.list(request.caller.tenant, { limit, ...(query.after === undefined ? {} : { after: query.after }) });
  }

  @Get(':id')
  get(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<BatchView> {
    return this.batches.get(id, request.caller.tenant);
  }

  /** Lines not yet run are dropped (their rows written here, since no worker will see them); running ones are aborted. */
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<BatchView> {
    return this.batches.cancel(id, request.caller.tenant, this.jobs, (payload: LlmJobPayload) => this.usage.record(buildDroppedRecord(payload, payload.requestId)));
  }
}
