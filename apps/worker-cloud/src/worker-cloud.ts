import { loadPlatformEnv, loadRoutingConfig, ModelCatalog, type PlatformEnv } from '@switchyard/config';
import { CircuitBreaker, createLlmJobHandlers, createRedis, LlmJobProducer, LlmWorkerHost, type ProviderQueueLimit } from '@switchyard/jobs';
import { createLogger, type Logger, redactUrl } from '@switchyard/observability';
import { createProviderAdapter, type ProviderAdapter } from '@switchyard/providers';
import { createUsageDataSource, describeDatabaseError, UsageRecorder, UsageRepository } from '@switchyard/usage';

/** The provider kinds this app serves; local backends run in worker-local on GPU nodes. */
const CLOUD_KINDS = new Set(['openai', 'openai-compatible', 'groq', 'gemini']);

export interface RunningWorker {
  providers: string[];
  close(): Promise<void>;
}

function chooseProviders(env: PlatformEnv, catalog: ModelCatalog): string[] {
  const requested = env.WORKER_PROVIDERS.split(',').map((name) => name.trim()).filter(Boolean);
  const servable = [...catalog.providers.values()].filter((provider) => CLOUD_KINDS.has(provider.kind)).map((p) => p.name);
  if (requested.length === 0) return servable;
  const unknown = requested.filter((name) => !servable.includes(name));
  if (unknown.length > 0) {
    throw new Error(`WORKER_PROVIDERS names providers this worker cannot serve: ${unknown.join(', ')} (servable: ${servable.join(', ') || 'none'})`);
  }
  return requested;
}

export async function startWorkerCloud(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWorker> {
  const env = loadPlatformEnv(source);
  const log = logger ?? createLogger({ service: 'worker-cloud', level: env.LOG_LEVEL });
  const catalog = new ModelCatalog(loadRoutingConfig(env.SWITCHYARD_CONFIG, source), source);
  const providers = chooseProviders(env, catalog);

  const adapters = new Map<string, ProviderAdapter>();
  for (const name of providers) {
    const provider = catalog.providers.get(name);
    if (provider !== undefined) adapters.set(name, createProviderAdapter(provider));
  }

  const dataSource = createUsageDataSource(env.DATABASE_URL);
  await dataSource.initialize();
  const usage = new UsageRecorder(new UsageRepository(dataSource), {
    flushIntervalMs: env.USAGE_FLUSH_MS,
    onError: (error, pending) => log.error({ ...describeDatabaseError(error), pending }, 'usage rows not written yet; will retry'),
    onDrop: (dropped) => log.error({ dropped }, 'usage buffer full; oldest rows dropped'),
    onRejected: (error, row) => log.error({ ...describeDatabaseError(error), jobId: row.jobId }, 'usage row refused by the database; set aside'),
  });

  const connection = createRedis(env.REDIS_URL, { name: 'switchyard:worker-cloud', blocking: true });
  const publisher = createRedis(env.REDIS_URL, { name: 'switchyard:worker-cloud:publish' });
  // Fallbacks go on other providers' queues, which other workers (worker-local on GPU nodes) may serve.
  const producer = new LlmJobProducer(publisher, env.SWITCHYARD_KEY_PREFIX);
  const circuits = new CircuitBreaker(publisher, env.SWITCHYARD_KEY_PREFIX, (name) => {
    const settings = catalog.providers.get(name)?.circuitBreaker;
    if (settings === undefined) throw new Error(`no circuit settings for provider '${name}'`);
    return settings;
  });
  const limits = new Map<string, ProviderQueueLimit>();
  for (const name of providers) {
    const limit = catalog.providers.get(name)?.limits;
    if (limit?.requestsPerMinute !== undefined) {
      limits.set(name, { max: Math.max(1, Math.round((limit.requestsPerMinute * limit.windowMs) / 60_000)), durationMs: limit.windowMs });
    }
  }
  const host = new LlmWorkerHost({
    providers,
    limits,
    connection,
    keyPrefix: env.SWITCHYARD_KEY_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    lockDurationMs: env.WORKER_LOCK_MS,
    stalledIntervalMs: env.WORKER_STALLED_CHECK_MS,
    maxStalledCount: env.WORKER_MAX_STALLED,
    logger: log,
    handlers: createLlmJobHandlers({ adapters, usage, publisher, producer, circuits, logger: log }),
  });
  await host.start();
  log.info({ redis: redactUrl(env.REDIS_URL), providers }, 'worker-cloud ready');

  return {
    providers,
    async close() {
      await host.close();
      await producer.close();
      await usage.close();
      await dataSource.destroy();
      await Promise.all([connection.quit(), publisher.quit()]).catch(() => undefined);
      log.info('worker-cloud stopped');
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}
