import { Inject, Injectable } from '@nestjs/common';
import type { AsyncJobs, BatchRunner, RoutedBatchLine } from '@switchyard/async-jobs';
import type { ModelCatalog, RouteChain } from '@switchyard/config';
import {
  type BatchCreateRequest,
  type BatchLine,
  type BatchList,
  type BatchListQuery,
  type BatchView,
  type CallerIdentity,
  isPromptedRequest,
  type LlmJobPayload,
} from '@switchyard/contracts';
import { buildDroppedRecord, type UsageSink } from '@switchyard/database';
import { withServerSpan } from '@switchyard/observability';
import { type PromptResolver, renderPromptedRequest, stickinessKey } from '@switchyard/prompts';
import { withUsableResponseFormat } from '../request/structured-request';
import { ASYNC_JOBS, BATCHES, MODEL_CATALOG, PROMPT_RESOLVER, USAGE } from '../tokens';

/** OpenAI's Batch API: a JSONL file of chat requests run as low-priority jobs. */
@Injectable()
export class BatchesService {
  constructor(
    @Inject(BATCHES) private readonly batches: BatchRunner,
    @Inject(ASYNC_JOBS) private readonly jobs: AsyncJobs,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(USAGE) private readonly usage: UsageSink,
    @Inject(PROMPT_RESOLVER) private readonly prompts: PromptResolver,
  ) {}

  create(input: BatchCreateRequest, caller: CallerIdentity, headers: Record<string, string | string[] | undefined>): Promise<BatchView> {
    // Every line's job carries this span's context: the worker spans of a batch join the trace of the request that made it.
    return withServerSpan('POST /v1/batches', headers, {}, () => this.batches.create(input, caller, (line) => this.routeLine(line, caller), this.jobs));
  }

  /** A line as it is, or rendered from the prompt it names (a split keeps each `user`, else the key, on one version). */
  private routeLine(line: BatchLine, caller: CallerIdentity): RoutedBatchLine | Promise<RoutedBatchLine> {
    const body = line.request;
    if (!isPromptedRequest(body)) return { ...this.catalog.resolveChain(body.model), request: withUsableResponseFormat(body) };
    let chain: RouteChain | undefined;
    const route = (model: string) => {
      chain ??= this.catalog.resolveChain(model);
      return chain;
    };
    const context = {
      tenant: caller.tenant,
      stickinessKey: stickinessKey({ user: body.user, keyId: caller.keyId }),
      publicModelOf: (model: string) => {
        try {
          return route(model).route.publicModel;
        } catch {
          return undefined;
        }
      },
    };
    return renderPromptedRequest(this.prompts, body, context).then(({ request, prompt }) => ({
      ...route(request.model),
      request: withUsableResponseFormat(request),
      prompt,
    }));
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
