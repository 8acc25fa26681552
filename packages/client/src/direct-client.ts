import { EventEmitter } from 'node:events';
import { AsyncJobs, asyncJobFrom, newAsyncJobId, type SubmitAsyncJob } from '@switchyard/async-jobs';
import { loadModelRouting, ModelCatalog, type ModelRouting } from '@switchyard/config';
import {
  type AsyncJobStatus,
  type AsyncJobView,
  type CallerIdentity,
  type ChatCompletion,
  type ChatCompletionBody,
  DEFAULT_KEY_PREFIX,
  InvalidRequestError,
  isPromptedRequest,
  type ParsedAsyncJobRequest,
  type PromptReference,
  parseAsyncJobBody,
} from '@switchyard/contracts';
import { ATTR_SWITCHYARD_JOBS, createLogger, injectTraceContext, type Logger, withProducerSpan } from '@switchyard/observability';
import { type PromptResolver, renderPromptedRequest, stickinessKey } from '@switchyard/prompts';
import { createRedis, LlmJobProducer, type Redis, ReplyListener, type ReplyMessage, toJobError } from '@switchyard/queue';
import type { EnqueueOptions, JobEnded, JobPage, SwitchyardClient, WaitOptions } from './switchyard-client';

/** The producer span each enqueue opens (a child of the caller's active span, if any). */
const ENQUEUE_SPAN = 'switchyard.enqueue';

export interface DirectClientOptions {
  /** The Redis the platform's queues live in. */
  redisUrl?: string;
  /** The platform's `SWITCHYARD_KEY_PREFIX`. */
  prefix?: string;
  /**
   * The platform's routing file (or the parsed config), to route models exactly
   * as the gateway does. Only its providers and models are read: the gateway's
   * API keys (`auth`) and their environment variables are not needed.
   */
  configPath?: string;
  config?: ModelRouting;
  /** Who the jobs run as: their usage rows, listing and tenancy. */
  caller: CallerIdentity;
  /** BullMQ attempts per route (default 3). */
  attempts?: number;
  /** How long results stay readable (default 24 h). */
  retentionMs?: number;
  defaultTimeoutMs?: number;
  /** Where the client's Redis connection errors are logged (default: JSON lines on stdout). */
  logger?: Logger;
  /**
   * Where requests that name a stored `prompt` are rendered from, as the
   * gateway renders them: `new PromptStore(dataSource)` (from
   * `@switchyard/prompts`), or a `CachedPromptResolver` in front of one.
   * Without it, a request that names a prompt is refused.
   */
  prompts?: PromptResolver;
}

/**
 * Adds jobs straight to the provider queues, the same jobs the gateway adds,
 * so the same workers run them, the same usage rows record them and
 * `GET /v1/jobs/{id}` finds them. Answers come back on this client's own
 * reply channel.
 */
export class DirectClient implements SwitchyardClient {
  private readonly events = new EventEmitter();

  private constructor(
    private readonly redis: Redis,
    private readonly producer: LlmJobProducer,
    private readonly listener: ReplyListener,
    private readonly jobs: AsyncJobs,
    private readonly catalog: ModelCatalog,
    private readonly options: DirectClientOptions,
  ) {
    listener.observe((reply) => this.emitEnded(reply));
  }

  static async connect(options: DirectClientOptions): Promise<DirectClient> {
    const url = options.redisUrl ?? 'redis://127.0.0.1:6379';
    const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    const config = options.config ?? loadModelRouting(options.configPath ?? 'switchyard.yaml');
    // Producers never hold provider keys: the workers do.
    const catalog = new ModelCatalog(config, process.env, { keysHeldElsewhere: true });
    const logger = options.logger ?? createLogger({ service: 'switchyard-client' });
    // Its callers wait on it as a gateway's do: an outage fails their calls at once.
    const redis = createRedis(url, { name: 'switchyard:client', logger, failFast: true });
    const listener = await ReplyListener.start(createRedis(url, { name: 'switchyard:client:replies', logger, failFast: true }), prefix);
    const producer = new LlmJobProducer(redis, prefix);
    const jobs = new AsyncJobs(redis, producer, {
      prefix,
      attempts: options.attempts ?? 3,
      retentionMs: options.retentionMs ?? 24 * 3600 * 1000,
      isKnownProvider: (name) => catalog.providers.has(name),
    });
    return new DirectClient(redis, producer, listener, jobs, catalog, options);
  }

  /** Validates like `POST /v1/jobs`, renders a named prompt and routes like the gateway. */
  private async prepare(body: ChatCompletionBody, options: EnqueueOptions): Promise<SubmitAsyncJob> {
    const { provider, ...jobOptions } = options;
    const given = parseAsyncJobBody({ ...body, ...jobOptions });
    let parsed: ParsedAsyncJobRequest;
    let prompt: PromptReference | undefined;
    if (isPromptedRequest(given.request)) {
      if (this.options.prompts === undefined) {
        throw new InvalidRequestError('This client renders no stored prompts: connect it with `prompts` (a PromptStore), or send `messages`.', {
          param: 'prompt',
        });
      }
      const { tenant, keyId } = this.options.caller;
      const rendered = await renderPromptedRequest(this.options.prompts, given.request, {
        tenant,
        stickinessKey: stickinessKey({ user: given.request.user, keyId }),
        publicModelOf: (model) => {
          try {
            // Every deployment of a model has its public name: which one is picked does not matter here.
            return this.catalog.resolveChain(model).route.publicModel;
          } catch {
            return undefined;
          }
        },
      });
      parsed = { ...given, request: rendered.request };
      prompt = rendered.prompt;
    } else {
      parsed = given as ParsedAsyncJobRequest;
    }
    const chain = this.catalog.resolveChain(parsed.request.model, provider);
    const jobId = newAsyncJobId(chain.route.provider);
    const caller = parsed.request.user === undefined ? this.options.caller : { ...this.options.caller, user: parsed.request.user };
    // Called inside the client's producer span: the job's worker span continues the caller's trace.
    const trace = injectTraceContext();
    const routing = { jobId, requestId: jobId, route: chain.route, fallbacks: chain.fallbacks, caller, replyTo: this.listener.channel, trace };
    return asyncJobFrom(parsed, prompt === undefined ? routing : { ...routing, prompt });
  }

  async enqueue(request: ChatCompletionBody, options: EnqueueOptions = {}): Promise<AsyncJobView> {
    return withProducerSpan(
      ENQUEUE_SPAN,
      { [ATTR_SWITCHYARD_JOBS]: 1 },
      async () => (await this.jobs.submit(await this.prepare(request, options), () => '')).view,
    );
  }

  enqueueAndWait(request: ChatCompletionBody, options: WaitOptions = {}): Promise<ChatCompletion> {
    return withProducerSpan(ENQUEUE_SPAN, { [ATTR_SWITCHYARD_JOBS]: 1 }, () => this.enqueueAndWaitInSpan(request, options));
  }

  private async enqueueAndWaitInSpan(request: ChatCompletionBody, options: WaitOptions): Promise<ChatCompletion> {
    const { timeoutMs = this.options.defaultTimeoutMs ?? 120_000, ...enqueueOptions } = options;
    const job = await this.prepare(request, enqueueOptions);
    // Listening before the job exists, so a fast answer is not missed.
    const answer = this.listener.wait(job.jobId, timeoutMs);
    answer.catch(() => undefined);
    try {
      await this.jobs.submit(job, () => '');
    } catch (error) {
      this.listener.cancel(job.jobId);
      throw error;
    }
    const reply = await answer;
    if (!reply.ok) throw toJobError(reply.body);
    return JSON.parse(reply.body) as ChatCompletion;
  }

  enqueueBulk(requests: readonly ChatCompletionBody[], options: EnqueueOptions = {}): Promise<AsyncJobView[]> {
    return withProducerSpan(ENQUEUE_SPAN, { [ATTR_SWITCHYARD_JOBS]: requests.length }, async () => this.enqueueBulkInSpan(requests, options));
  }

  private async enqueueBulkInSpan(requests: readonly ChatCompletionBody[], options: EnqueueOptions): Promise<AsyncJobView[]> {
    // Every request is checked before any is queued: a bad one refuses the batch, naming its index.
    const jobs = await Promise.all(
      requests.map((request, index) =>
        this.prepare(request, options).catch((error: unknown) => {
          if (error instanceof Error) error.message = `requests[${index}]: ${error.message}`;
          throw error;
        }),
      ),
    );
    return this.jobs.submitMany(jobs);
  }

  get(jobId: string): Promise<AsyncJobView> {
    return this.jobs.get(jobId, this.options.caller.tenant);
  }

  /** A queued job is ended (cancelled, without a call) by the worker that reaches it, which records it: this client has no database. */
  cancel(jobId: string): Promise<AsyncJobView> {
    return this.jobs.cancel(jobId, this.options.caller.tenant);
  }

  list(options: { limit?: number; after?: string; status?: AsyncJobStatus } = {}): Promise<JobPage> {
    return this.jobs.list(this.options.caller.tenant, { limit: options.limit ?? 20, ...options });
  }

  onJobEnded(listener: (event: JobEnded) => void): () => void {
    this.events.on('ended', listener);
    return () => this.events.off('ended', listener);
  }

  private emitEnded(reply: ReplyMessage): void {
    if (reply.part !== undefined || this.events.listenerCount('ended') === 0) return;
    const event: JobEnded = reply.ok
      ? { jobId: reply.jobId, status: 'succeeded', completion: JSON.parse(reply.body) as ChatCompletion }
      : { jobId: reply.jobId, status: 'failed', error: toJobError(reply.body) };
    this.events.emit('ended', event);
  }

  async close(): Promise<void> {
    await this.listener.close();
    await this.producer.close();
    await this.redis.quit().catch(() => undefined);
  }
}
