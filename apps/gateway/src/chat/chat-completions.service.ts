import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog, RoutingConfig } from '@switchyard/config';
import {
  type CallerIdentity,
  ErrorCode,
  InvalidRequestError,
  parseChatCompletionRequest,
} from '@switchyard/contracts';
import type { ChatJobSubmitter, ReplyMessage } from '@switchyard/jobs';
import { injectTraceContext, withServerSpan } from '@switchyard/observability';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { CHAT_JOBS, METRICS, MODEL_CATALOG, ROUTING_CONFIG } from '../tokens';

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
  ) {}

  /** Validate, route, enqueue on the provider's queue and wait for the worker's answer. */
  async complete(
    body: unknown,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    headers: Record<string, string | string[] | undefined>,
  ): Promise<CompletedChat> {
    return withServerSpan('POST /v1/chat/completions', headers, { 'switchyard.job_id': ids.jobId }, () =>
      this.run(body, caller, ids, headers['x-switchyard-timeout-ms']),
    );
  }

  private async run(
    body: unknown,
    caller: CallerIdentity,
    ids: { jobId: string; requestId: string },
    timeoutHeader: string | string[] | undefined,
  ): Promise<CompletedChat> {
    const request = parseChatCompletionRequest(body);
    if (request.stream === true) {
      throw new InvalidRequestError('Streaming is not available on this deployment yet; send "stream": false.', {
        param: 'stream',
        code: ErrorCode.StreamingUnsupported,
      });
    }
    const route = this.catalog.resolve(request.model);
    const timeoutMs = this.timeoutFor(timeoutHeader);
    const identity = request.user === undefined ? caller : { ...caller, user: request.user };
    try {
      const reply = await this.chatJobs.submitAndWait({
        jobId: ids.jobId,
        requestId: ids.requestId,
        route,
        request,
        caller: identity,
        timeoutMs,
        trace: injectTraceContext(),
      });
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
