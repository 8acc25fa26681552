import { Inject, Injectable } from '@nestjs/common';
import { type CachePolicy, type KeyLimiter, type ResponseCache } from '@switchyard/admission';
import type { ModelCatalog, RoutingConfig } from '@switchyard/config';
import { type CallerIdentity, type CompletionUsage, InternalError, InvalidRequestError, type PromptReference, type ResolvedRoute } from '@switchyard/contracts';
import type { UsageSink } from '@switchyard/database';
import { buildCacheHitRecord, buildRejectedRecord } from '@switchyard/database';
import { ATTR_SWITCHYARD_JOB_ID, ATTR_SWITCHYARD_STREAM, injectTraceContext, withServerSpan } from '@switchyard/observability';
import type { PromptResolver } from '@switchyard/prompts';
import { type ChatJobSubmitter, type ReplyMessage, type SubmitChatJob, type SubmittedStream } from '@switchyard/queue';
import type { StructuredMode } from '@switchyard/structured-output';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { type IncomingRequest, type RequestRouting, routedChat } from '../request/routed-request';
import { structuredModeOf, structuredSettingsOf } from '../request/structured-request';
import { CHAT_JOBS, KEY_LIMITS, METRICS, MODEL_CATALOG, PROMPT_RESOLVER, RESPONSE_CACHE, ROUTING_CONFIG, USAGE } from '../tokens';
import { SseRelay } from './sse-relay';

export interface CompletedChat {
  jobId: string;
  reply: ReplyMessage;
  /** A JSON response_format's mode and repairs, for the reply's headers; undefined for plain text. */
  structured?: { mode: StructuredMode; repairs: number };
  /** What the response cache did: answered it, will keep it, or stayed out of it. */
  cache: 'hit' | 'miss' | 'bypass';
  /** The stored prompt version it was rendered from, when it named one. */
  prompt?: PromptReference;
}

export interface StartedStream {
  relay: SseRelay;
  submitted: SubmittedStream;
  /** How the first route is asked for a JSON response_format; undefined for plain text. */
  structuredMode?: StructuredMode;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Who is calling, known at once, and their admission by the key's limits,
 * whose round trip runs while the request is validated, routed and looked
 * up in the cache: awaited before anything is queued or answered.
 */
export interface Admission {
  caller: CallerIdentity;
  admitted: Promise<CallerIdentity>;
}

interface RequestIds {
  jobId: string;
  requestId: string;
}

const TIMEOUT_HEADER_MAX_MS = 10 * 60 * 1000;

@Injectable()
export class ChatCompletionsService {
  constructor(
    @Inject(MODEL_CATALOG) catalog: ModelCatalog,
    @Inject(CHAT_JOBS) private readonly chatJobs: ChatJobSubmitter,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    @Inject(METRICS) private readonly metrics: GatewayMetrics,
    @Inject(USAGE) private readonly usage: UsageSink,
    @Inject(RESPONSE_CACHE) private readonly cache: ResponseCache,
    @Inject(KEY_LIMITS) private readonly keyLimits: KeyLimiter,
    @Inject(PROMPT_RESOLVER) prompts: PromptResolver,
  ) {
    this.cachePolicies = new Map(config.models.map((model) => [model.name, model.cache]));
    this.routing = { catalog, prompts };
  }

  private readonly routing: RequestRouting;

  private readonly cachePolicies: ReadonlyMap<string, CachePolicy>;

  /**
   * Validate, route, answer from the cache when it may, otherwise enqueue on
   * the provider's queue and wait for the worker's answer.
   */
  async complete(incoming: IncomingRequest, admission: Admission, ids: RequestIds): Promise<CompletedChat> {
    const { headers } = incoming;
    return withServerSpan('POST /v1/chat/completions', headers, { [ATTR_SWITCHYARD_JOB_ID]: ids.jobId }, async () => {
      const receivedAt = Date.now();
      const { job, submitted } = await this.enqueue(incoming, admission, ids, async (accepted, admitted) => {
        const cacheKey = this.cacheKeyFor(accepted, headers);
        // The cache only ever saves work: when Redis cannot answer, the request goes to the queue.
        const lookup = cacheKey === undefined ? undefined : this.cache.lookup(cacheKey).catch(() => undefined);
        const job = await admitted();
        const hit = await lookup;
        if (hit !== undefined) {
          // Answered without a model: the key gets back what it was charged.
          this.keyLimits.refund(job.caller);
          return { hit, cacheKey };
        }
        return { pending: await this.chatJobs.submit(job), cacheKey };
      });
      if (submitted.hit !== undefined) {
        const { hit } = submitted;
        this.metrics.cache.inc({ outcome: 'hit' });
        this.usage.record(
          buildCacheHitRecord({
            jobId: ids.jobId,
            requestId: ids.requestId,
            caller: job.caller,
            route: job.route,
            upstreamModel: hit.model,
            usage: hit.usage,
            receivedAt,
            prompt: job.prompt,
          }),
        );
        // A kept answer was checked when it was made; giving it again took no repair.
        const mode = structuredModeOf(job.request, this.routing.catalog.structuredOf(job.route));
        return {
          jobId: ids.jobId,
          reply: { jobId: ids.jobId, ok: true, provider: hit.provider, model: hit.model, body: hit.body },
          cache: 'hit',
          ...(mode === undefined ? {} : { structured: { mode, repairs: 0 } }),
          ...(job.prompt === undefined ? {} : { prompt: job.prompt }),
        };
      }
      this.metrics.cache.inc({ outcome: submitted.cacheKey === undefined ? 'bypass' : 'miss' });
      try {
        if (submitted.pending === undefined) throw new InternalError('The request was neither answered from the cache nor queued.');
        const reply = await submitted.pending.reply;
        this.metrics.answered(job.route.provider, reply.provider, 'succeeded');
        // A fallback's answer is not kept under the primary route's key: the next request may get the primary.
        if (submitted.cacheKey !== undefined && reply.provider === job.route.provider) this.remember(submitted.cacheKey, reply);
        return {
          jobId: ids.jobId,
          reply,
          cache: submitted.cacheKey === undefined ? 'bypass' : 'miss',
          ...(reply.structured === undefined ? {} : { structured: { mode: reply.structured.mode, repairs: reply.structured.repairs } }),
          ...(job.prompt === undefined ? {} : { prompt: job.prompt }),
        };
      } catch (error) {
        this.metrics.jobs.inc({ provider: job.route.provider, outcome: 'failed' });
        throw error;
      }
    });
  }

  /** The cache key, or undefined when this request must not use the cache (asked not to, or not repeatable). */
  private cacheKeyFor(job: SubmitChatJob, headers: Headers): string | undefined {
    const asked = headers['x-switchyard-cache'];
    const control = headers['cache-control'];
    if (asked === 'bypass' || (typeof control === 'string' && /no-(cache|store)/i.test(control))) return undefined;
    const policy = this.cachePolicies.get(job.route.publicModel) ?? 'deterministic';
    return this.cache.cacheable(job.request, policy) ? this.cache.keyOf(job.caller.tenant, job.route, job.request) : undefined;
  }

  /** Stored after the answer went out; a failed write only costs a later miss. */
  private remember(key: string, reply: ReplyMessage): void {
    let usage: CompletionUsage | undefined;
    try {
      usage = (JSON.parse(reply.body) as { usage?: CompletionUsage }).usage;
    } catch {
      return;
    }
    void this.cache
      .store(key, {
        body: reply.body,
        provider: reply.provider,
        model: reply.model,
        usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      })
      .catch(() => undefined);
  }

  /**
   * Validate, route and enqueue a streamed request. The relay receives the
   * worker's parts; the caller's response starts when `relay.opened` does.
   */
  async stream(incoming: IncomingRequest, admission: Admission, ids: RequestIds): Promise<StartedStream> {
    return withServerSpan(
      'POST /v1/chat/completions',
      incoming.headers,
      { [ATTR_SWITCHYARD_JOB_ID]: ids.jobId, [ATTR_SWITCHYARD_STREAM]: 'true' },
      async () => {
        let relay: SseRelay | undefined;
        let structuredMode: StructuredMode | undefined;
        const { submitted } = await this.enqueue(incoming, admission, ids, async (_accepted, admitted) => {
          const job = await admitted();
          structuredMode = structuredModeOf(job.request, this.routing.catalog.structuredOf(job.route));
          relay = new SseRelay({
            jobId: ids.jobId,
            provider: job.route.provider,
            model: job.route.model,
            heartbeatMs: this.config.gateway.streamHeartbeatMs,
            maxBacklogBytes: this.config.gateway.streamMaxBacklogBytes,
            // Works from the start, even while the job is still being queued.
            onAbandon: () => this.chatJobs.cancelStream(ids.jobId),
            onEnd: (outcome, answeredBy) => this.metrics.answered(job.route.provider, answeredBy, outcome),
          });
          const opened = relay;
          const streaming = await this.chatJobs.submitStream(job, opened).catch((error: unknown) => {
            // Not queued: the relay stops its heartbeat and nothing is left running.
            opened.error(error as Error);
            throw error;
          });
          // A structured answer is sent only once the whole of it is valid, which can take re-asks: the stream opens now.
          if (structuredMode !== undefined) opened.openNow();
          return streaming;
        });
        return { relay: relay as SseRelay, submitted, ...(structuredMode === undefined ? {} : { structuredMode }) };
      },
    );
  }

  abandon(jobId: string): void {
    this.chatJobs.abandon(jobId);
  }

  /** Everything up to the queue: a refusal here is recorded by the gateway, after it by the worker. */
  private async accept(incoming: IncomingRequest, caller: CallerIdentity, ids: RequestIds): Promise<SubmitChatJob> {
    // Validated, rendered and routed once per request: the key's charge estimate may have done it already.
    const routed = routedChat(incoming, this.routing, caller);
    const { request, prompt } = await routed.body();
    const chain = await routed.chain();
    // Field by field: a spread followed by more fields is V8's slow path, on every request.
    return {
      jobId: ids.jobId,
      requestId: ids.requestId,
      route: chain.route,
      fallbacks: chain.fallbacks,
      request,
      caller: request.user === undefined ? caller : { ...caller, user: request.user },
      timeoutMs: this.timeoutFor(incoming.headers['x-switchyard-timeout-ms']),
      trace: injectTraceContext(),
      structured: structuredSettingsOf(incoming.headers),
      prompt,
    };
  }

  /**
   * Routes and enqueues; a request refused on the way is recorded here, since
   * no worker will see it. `submit` gets the job as validated and routed, and
   * `admitted()` to wait for the key's limits: it gives the job with the
   * admitted caller, or throws the limits' refusal.
   */
  private async enqueue<T>(
    incoming: IncomingRequest,
    admission: Admission,
    ids: RequestIds,
    submit: (job: SubmitChatJob, admitted: () => Promise<SubmitChatJob>) => Promise<T>,
  ): Promise<{ job: SubmitChatJob; submitted: T }> {
    const receivedAt = Date.now();
    let route: ResolvedRoute | undefined;
    let prompt: PromptReference | undefined;
    try {
      const job = await this.accept(incoming, admission.caller, ids);
      route = job.route;
      prompt = job.prompt;
      const admitted = async (): Promise<SubmitChatJob> => {
        const caller = await admission.admitted;
        return Object.assign({}, job, { caller: job.caller.user === undefined ? caller : { ...caller, user: job.caller.user } });
      };
      return { job, submitted: await submit(job, admitted) };
    } catch (error) {
      // A refusal by the key's limits answers first, as if the request had been refused before anything else.
      const refusal = await admission.admitted.then(
        (caller) => {
          this.keyLimits.refund(caller);
          return undefined;
        },
        (refused: unknown) => refused,
      );
      // Either way the request was refused here: its row says by what (a limit's code, or the body's fault).
      this.usage.record(
        buildRejectedRecord({
          jobId: ids.jobId,
          requestId: ids.requestId,
          caller: admission.caller,
          body: incoming.body,
          route,
          error: refusal ?? error,
          receivedAt,
          prompt,
        }),
      );
      throw refusal ?? error;
    }
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
