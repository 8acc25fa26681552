import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog, RoutingConfig } from '@switchyard/config';
import {
  type CallerIdentity,
  ErrorCode,
  InvalidRequestError,
  parseChatCompletionRequest,
  type ResolvedRoute,
  SwitchyardError,
} from '@switchyard/contracts';
import { buildRejectedRecord, type ChatJobSubmitter, type ReplyMessage } from '@switchyard/jobs';
import type { UsageRecorder } from '@switchyard/usage';
import { injectTraceContext, withServerSpan } from '@switchyard/observability';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { CHAT_JOBS, METRICS, MODEL_CATALOG, ROUTING_CONFIG, USAGE } from '../tokens';

export interface CompletedChat {
  jobId: string;
  reply: ReplyMessage;
}

const TIMEOUT_HEADER_MAX_MS = 10 * 60 * 1000;

@Injectable()
export class ChatCompletionsService {
  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(CHAT_JOBS) private readonly chatJobs: ChatJobSubmitter,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    @Inject(METRICS) private readonly metrics: GatewayMetrics,
    @Inject(USAGE) private readonly usage: UsageRecorder,
  ) {}

  /** Validate, route, enqueue on the provider's queue and wait for the worker's answer. */
  async complete(
    body: unknown,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    headers: Record<string, string | string[] | undefined>,
  ): Promise<CompletedChat> {
    return withServerSpan('POST /v1/chat/completions', headers, { 'switchyard.job_id': ids.jobId }, () =>
      this.run(body, caller, ids, headers['x-switchyard-timeout-ms'], headers['x-switchyard-provider']),
    );
  }

  private async run(
    body: unknown,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    timeoutHeader: string | string[] | undefined,
    providerHeader: string | string[] | undefined,
  ): Promise<CompletedChat> {
    const receivedAt = Date.now();
    let route: ResolvedRoute | undefined;
    let accepted: { reply: Promise<ReplyMessage> };
    try {
      const request = parseChatCompletionRequest(body);
      if (request.stream === true) {
        throw new InvalidRequestError('Streaming is not available on this deployment yet; send "stream": false.', {
          param: 'stream',
          code: ErrorCode.StreamingUnsupported,
        });
      }
      const chain = this.catalog.resolveChain(request.model, typeof providerHeader === 'string' && providerHeader !== '' ? providerHeader : undefined);
      route = chain.route;
      const timeoutMs = this.timeoutFor(timeoutHeader);
      const identity = request.user === undefined ? caller : { ...caller, user: request.user };
      accepted = await this.chatJobs.submit({
        ...ids,
        route,
        fallbacks: chain.fallbacks,
        request,
        caller: identity,
        timeoutMs,
        trace: injectTraceContext(),
      });
    } catch (error) {
      // Refused before any queue saw it: the gateway writes this request's row; after this point the worker does.
      this.usage.record(
        buildRejectedRecord({
          ...ids,
          caller,
          requestedModel: (body as { model?: unknown } | null)?.model,
          provider: route?.provider,
          model: route?.model,
          errorCode: SwitchyardError.isInstance(error) ? error.code : ErrorCode.Internal,
          receivedAt,
        }),
      );
      throw error;
    }
    try {
      const reply = await accepted.reply;
      this.metrics.jobs.inc({ provider: route.provider, outcome: 'succeeded' });
      return { jobId: ids.jobId, reply };
    } catch (error) {
      this.metrics.jobs.inc({ provider: route.provider, outcome: 'failed' });
      throw error;
    }
  }

  abandon(jobId: string): void {
    this.chatJobs.abandon(jobId);
  }

  /** `x-switchyard-timeout-ms` may shorten the wait, never stretch it past the configured limit. */
  private timeoutFor(header: string | string[] | undefined): number {
    const configured = this.config.gateway.requestTimeoutMs;
    if (header === undefined) return configured;
    const requested = Number(header);
    if (!Number.isInteger(requested) || requested <= 0 || requested > TIMEOUT_HEADER_MAX_MS) {
      throw new InvalidRequestError('x-switchyard-timeout-ms must be a whole number of milliseconds, 1 to 600000.', {
        param: 'x-switchyard-timeout-ms',
      });
    }
    return Math.min(requested, configured);
  }
}
