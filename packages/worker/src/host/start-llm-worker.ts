import { KeyLimiter } from '@switchyard/admission';
import { BatchRunner } from '@switchyard/async-jobs';
import { loadModelRouting, loadPlatformEnv, ModelCatalog, type PlatformEnv } from '@switchyard/config';
import { BatchRepository, createDataSource, FileRepository, UsageRepository } from '@switchyard/database';
import { createLogger, type Logger, redactUrl, startMetricsServer } from '@switchyard/observability';
import { createProviderAdapter, type ProviderAdapter } from '@switchyard/providers';
import { CallerPresence, createRedis, JobCancellations, LlmJobProducer, type Redis, type RunningWorker, UsageStream } from '@switchyard/queue';
import { SessionRepository, SessionState, SessionTurns, SessionTurnWriter } from '@switchyard/sessions';
import { warmTokenizers } from '@switchyard/tokens';
import { WebhookProducer } from '@switchyard/webhooks';
import { ModelInventoryPublisher } from '../inventory/model-inventory';
import { startLocalResources } from '../local-resources/start-local-resources';
import { createLlmJobHandlers } from '../processing/llm-job-processor';
import { type UpstreamIdentity, upstreamIdentity } from '../processing/upstream-identity';
import { BackendHealth } from '../provider-health/backend-health';
import { CircuitBreaker } from '../provider-health/circuit-breaker';
import { ProviderBudget } from '../provider-health/provider-budget';
import { LlmWorkerHost, type ProviderQueueLimit } from './llm-worker-host';
import { WorkerMetrics } from './worker-metrics';

function chooseProviders(env: PlatformEnv, catalog: ModelCatalog, kinds: ReadonlySet<string>): string[] {
  const requested = env.WORKER_PROVIDERS.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const servable = [...catalog.providers.values()].filter((provider) => kinds.has(provider.kind)).map((p) => p.name);
  if (requested.length === 0) return servable;
  const unknown = requested.filter((name) => !servable.includes(name));
  if (unknown.length > 0) {
    throw new Error(`WORKER_PROVIDERS names providers this worker cannot serve: ${unknown.join(', ')} (servable: ${servable.join(', ') || 'none'})`);
  }
  return requested;
}

export interface StartLlmWorkerOptions {
  /** Names this process in logs and Redis client names. */
  service: string;
  /** Provider kinds this process may serve. */
  kinds: ReadonlySet<string>;
  /** Publish which models each backend has, for the gateway's model list (local servers). */
  publishInventory?: boolean;
  source?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/**
 * Everything a worker process is: adapters for the providers it serves, one
 * BullMQ worker per provider queue, the usage writer, the reply publisher.
 * worker-cloud and worker-local differ only in the provider kinds they take.
 */
export async function startLlmWorker({
  service,
  kinds,
  publishInventory = false,
  source = process.env,
  logger,
}: StartLlmWorkerOptions): Promise<RunningWorker> {
  const env = loadPlatformEnv(source);
  const log = logger ?? createLogger({ service, level: env.LOG_LEVEL });
  const catalog = new ModelCatalog(loadModelRouting(env.SWITCHYARD_CONFIG, source), source);
  const providers = chooseProviders(env, catalog, kinds);
  if (providers.length === 0) {
    log.info({ kinds: [...kinds] }, `${service}: no provider of these kinds is configured; nothing to consume`);
    return { providers, close: async () => new Promise<void>((resolve) => log.flush(() => resolve())) };
  }

  const adapters = new Map<string, ProviderAdapter>();
  const concurrencyOf = new Map<string, number>();
  const upstreams = new Map<string, UpstreamIdentity>();
  for (const name of providers) {
    const provider = catalog.providers.get(name);
    if (provider === undefined) continue;
    adapters.set(name, createProviderAdapter({ ...provider, log: log.child({ provider: name }) }));
    upstreams.set(name, upstreamIdentity(provider));
    // An embedded model decodes `concurrency` requests at once; more jobs taken would wait in this process's memory.
    if (provider.kind === 'embedded') concurrencyOf.set(name, Math.min(provider.concurrency ?? 1, env.WORKER_CONCURRENCY));
  }
  // A job whose upstream reports no usage has its prompt counted here; WORKER_WARM_TOKENIZERS loads the encodings before the first job, not during one.
  if (env.WORKER_WARM_TOKENIZERS) warmTokenizers(catalog.models.filter((model) => providers.includes(model.provider)).map((model) => model.model));

  const dataSource = createDataSource(env.DATABASE_URL);
  await dataSource.initialize();
  const connection = createRedis(env.REDIS_URL, { name: `switchyard:${service}`, logger: log, blocking: true });
  const publisher = createRedis(env.REDIS_URL, { name: `switchyard:${service}:publish`, logger: log });
  // A job's end costs one write: its usage row and its key's settlement leave together on this connection.
  const jobEnds = createRedis(env.REDIS_URL, { name: `switchyard:${service}:usage`, logger: log, autoPipelining: true });
  const usageRepository = new UsageRepository(dataSource);
  const sessionRepository = new SessionRepository(dataSource);
  const usage = await UsageStream.open(jobEnds, env.SWITCHYARD_KEY_PREFIX, usageRepository, { flushIntervalMs: env.USAGE_FLUSH_MS, logger: log });
  // Fallbacks go on other providers' queues, which other workers (worker-local on GPU nodes) may serve.
  const producer = new LlmJobProducer(publisher, env.SWITCHYARD_KEY_PREFIX);
  const circuits = new CircuitBreaker(publisher, env.SWITCHYARD_KEY_PREFIX, (name) => {
    const settings = catalog.providers.get(name)?.circuitBreaker;
    if (settings === undefined) throw new Error(`no circuit settings for provider '${name}'`);
    return settings;
  });
  const cancellations = await JobCancellations.start(
    createRedis(env.REDIS_URL, { name: `switchyard:${service}:cancels`, logger: log }),
    env.SWITCHYARD_KEY_PREFIX,
    publisher,
  );
  // Async jobs that name a webhook report how they ended through the dispatcher's queue.
  const webhooks = new WebhookProducer(publisher, env.SWITCHYARD_KEY_PREFIX);
  const callers = new CallerPresence(publisher, log);
  callers.start();
  const health = new BackendHealth(adapters, log);
  await health.start();
  await preloadModels(adapters, catalog, log);
  const limits = new Map<string, ProviderQueueLimit>();
  for (const name of providers) {
    const limit = catalog.providers.get(name)?.limits;
    if (limit?.requestsPerMinute !== undefined) {
      // Rounded down: a limit may be undershot, never exceeded.
      limits.set(name, { max: Math.floor((limit.requestsPerMinute * limit.windowMs) / 60_000), durationMs: limit.windowMs });
    }
  }
  const metrics = new WorkerMetrics();
  // Local servers: what they hold, published for GET /admin/local, and the gateway's load/unload commands.
  const localResources = publishInventory
    ? await startLocalResources({
        adapters,
        catalog,
        redis: publisher,
        subscriber: createRedis(env.REDIS_URL, { name: `switchyard:${service}:local-control`, logger: log }),
        prefix: env.SWITCHYARD_KEY_PREFIX,
        registry: metrics.gauges,
        logger: log,
      })
    : undefined;
  const host = new LlmWorkerHost({
    providers,
    metrics,
    limits,
    connection,
    keyPrefix: env.SWITCHYARD_KEY_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    concurrencyOf,
    lockDurationMs: env.WORKER_LOCK_MS,
    stalledIntervalMs: env.WORKER_STALLED_CHECK_MS,
    maxStalledCount: env.WORKER_MAX_STALLED,
    logger: log,
    handlers: createLlmJobHandlers({
      adapters,
      usage,
      publisher,
      producer,
      circuits,
      health,
      cancellations,
      callers,
      webhooks,
      // Each usage row carries its cost at the price the routing config gives its deployment.
      priceOf: (route) => catalog.priceOf(route),
      structuredOf: (route) => catalog.structuredOf(route),
      keyLimits: new KeyLimiter(jobEnds, env.SWITCHYARD_KEY_PREFIX),
      // The worker that records a batch's last line writes its output files.
      batches: new BatchRunner(publisher, env.SWITCHYARD_KEY_PREFIX, new FileRepository(dataSource), new BatchRepository(dataSource), log),
      budget: new ProviderBudget(publisher, env.SWITCHYARD_KEY_PREFIX, (name) => catalog.providers.get(name)?.limits),
      sessions: sessionTurns(publisher, env.SWITCHYARD_KEY_PREFIX, sessionRepository, env.SESSION_TURN_LEASE_MS),
      upstreams,
      providerCalls: {
        providerCall: (outcome) => {
          metrics.providerCall(outcome);
          localResources?.use.used(outcome.upstream.provider, outcome.requestModel);
        },
        requestEnded: (end) => metrics.requestEnded(end),
      },
      logger: log,
    }),
  });
  await host.start();
  // Committed session turns go to PostgreSQL in batches, off the turn's path, as usage rows do.
  const turnWriter = new SessionTurnWriter(jobEnds, env.SWITCHYARD_KEY_PREFIX, sessionRepository, {
    intervalMs: env.USAGE_FLUSH_MS,
    onError: (error) => log.error({ err: error }, 'session turns not written yet; they stay in Redis'),
  });
  turnWriter.start();
  const metricsServer = env.METRICS_PORT === undefined ? undefined : await startMetricsServer(metrics.registry, env.METRICS_PORT, env.HOST);
  const inventory = publishInventory ? new ModelInventoryPublisher(publisher, env.SWITCHYARD_KEY_PREFIX, adapters, log) : undefined;
  inventory?.start();
  log.info({ redis: redactUrl(env.REDIS_URL), providers, metrics: metricsServer?.url }, `${service} ready`);

  return {
    providers,
    ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
    async close() {
      inventory?.stop();
      await localResources?.stop();
      health.stop();
      await host.close();
      // Frees what the adapters hold (an embedded model's memory) once no job uses them.
      await Promise.all([...adapters.values()].map((adapter) => adapter.close?.()));
      // After the host: turns its last jobs committed are written before the connections close.
      await turnWriter.stop();
      await metricsServer?.close();
      await metrics.shutdown();
      await callers.stop();
      await cancellations.close();
      await webhooks.close();
      await producer.close();
      await usage.close();
      await dataSource.destroy();
      await Promise.all([connection.quit(), publisher.quit(), jobEnds.quit()]).catch(() => undefined);
      log.info(`${service} stopped`);
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}

/**
 * Asks local servers to load the models the config names, so the first
 * request does not wait for a load. A failure is logged, not fatal: the
 * server loads on first use anyway.
 */
async function preloadModels(adapters: ReadonlyMap<string, ProviderAdapter>, catalog: ModelCatalog, log: Logger): Promise<void> {
  await Promise.all(
    [...adapters.values()].flatMap((adapter) =>
      (catalog.providers.get(adapter.provider)?.preload ?? []).map(async (model) => {
        try {
          await adapter.preload?.(model);
          log.info({ provider: adapter.provider, model }, 'model preloaded');
        } catch (error) {
          log.warn({ provider: adapter.provider, model, code: (error as { code?: unknown }).code }, 'could not preload the model');
        }
      }),
    ),
  );
}

/** Session turns run on the publisher connection (short scripts, never blocking) and write turns through the worker's database pool. */
function sessionTurns(redis: Redis, prefix: string, repository: SessionRepository, leaseMs: number): SessionTurns {
  return new SessionTurns(new SessionState(redis, prefix, repository, { leaseMs }), repository, { leaseMs });
}
