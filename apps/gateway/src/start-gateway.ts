import { resolve } from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { KeyDirectory, KeyLimiter, ResponseCache } from '@switchyard/admission';
import { AsyncJobs, BatchRunner } from '@switchyard/async-jobs';
import { loadPlatformEnv, loadRoutingConfig, ModelCatalog, resolvePromptsDir } from '@switchyard/config';
import { consoleAssetsDir } from '@switchyard/console';
import { ApiKeyStore, BatchRepository, buildDroppedRecord, createDataSource, FileRepository, UsageRepository } from '@switchyard/database';
import { createLogger, type Logger, redactUrl } from '@switchyard/observability';
import { CachedPromptResolver, PromptStore, readPromptFiles, storeRepoPrompts } from '@switchyard/prompts';
import { ChatJobSubmitter, createRedis, LlmJobProducer, PeriodicRound, QueueStats, ReplyListener, UsageStream } from '@switchyard/queue';
import { SessionRepository, SessionState, sweepSessions } from '@switchyard/sessions';
import { WebhookProducer } from '@switchyard/webhooks';
import { AdminKey } from './admin/admin-key';
import { AppModule } from './app.module';
import { admitRequests } from './auth/admit-request';
import { authenticateRequests } from './auth/authenticate-request';
import { serveConsole } from './console/serve-console';
import { buildOpenApiDocument } from './docs/openapi-document';
import type { GatewayContext } from './gateway-context';
import { limitConnections } from './http/connection-limit';
import { discardUnreadBody } from './http/discard-unread-body';
import { registerJsonBodyParser } from './http/json-body-parser';
import { serverOptions } from './http/server-options';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { mountQueuesBoard } from './queues-board/queues-board';

export interface RunningGateway {
  url: string;
  port: number;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

const VERSION = '0.1.0';
const SHUTDOWN_GRACE_MS = 10_000;

export async function startGateway(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningGateway> {
  const env = loadPlatformEnv(source);
  const log = logger ?? createLogger({ service: 'gateway', level: env.LOG_LEVEL });
  const config = loadRoutingConfig(env.SWITCHYARD_CONFIG, source);
  const catalog = new ModelCatalog(config, source);
  // Read and checked before any connection opens: a bad file stops the start, naming the file and the field.
  const promptsDir = resolvePromptsDir(env, config);
  const promptFiles = promptsDir === undefined ? [] : readPromptFiles(promptsDir);

  const redis = createRedis(env.REDIS_URL, { name: 'switchyard:gateway', logger: log, failFast: true });
  // Key limits and the cache on their own connection, free of BullMQ's scripts, so it can pipeline:
  // a request's limit check and cache lookup, and those of concurrent requests, share one write.
  const requestPath = createRedis(env.REDIS_URL, { name: 'switchyard:gateway:requests', logger: log, failFast: true, autoPipelining: true });
  const subscriber = createRedis(env.REDIS_URL, { name: 'switchyard:gateway:replies', logger: log, failFast: true });
  const listener = await ReplyListener.start(subscriber, env.SWITCHYARD_KEY_PREFIX);
  const producer = new LlmJobProducer(redis, env.SWITCHYARD_KEY_PREFIX);
  // Events of jobs cancelled before they ran (the worker reports the rest), and dead-letter lookups.
  const webhooks = new WebhookProducer(redis, env.SWITCHYARD_KEY_PREFIX);
  const database = createDataSource(env.DATABASE_URL, { poolSize: 2 });
  await database.initialize();

  const files = new FileRepository(database);
  const prompts = new PromptStore(database);
  if (promptsDir !== undefined) {
    const loaded = await storeRepoPrompts(prompts, promptFiles);
    log.info({ dir: promptsDir, prompts: loaded.length, added: loaded.filter((p) => p.added).map((p) => `${p.name} v${p.version}`) }, 'prompts folder loaded');
  }
  const keyStore = new ApiKeyStore(database);
  // The routing file's keys are the first keys of their tenants; the admin API makes the rest.
  const routingFile = resolve(env.SWITCHYARD_CONFIG);
  for (const key of config.auth.keys) {
    const replaced = await keyStore.ensureKey({ id: key.id, tenant: key.tenant, name: key.id, key: key.key, routingFile });
    // A new value for a key in the routing file: other gateways must stop accepting the old one now.
    if (replaced !== undefined) await KeyDirectory.announceChange(redis, env.SWITCHYARD_KEY_PREFIX, replaced);
  }
  const batches = new BatchRunner(redis, env.SWITCHYARD_KEY_PREFIX, files, new BatchRepository(database), log);
  const keys = await KeyDirectory.start(
    keyStore,
    createRedis(env.REDIS_URL, { name: 'switchyard:gateway:keys', logger: log, failFast: true }),
    env.SWITCHYARD_KEY_PREFIX,
    { logger: log, knownMs: env.KEY_CACHE_MS },
  );
  const usageRepository = new UsageRepository(database);
  const usage = await UsageStream.open(requestPath, env.SWITCHYARD_KEY_PREFIX, usageRepository, { flushIntervalMs: env.USAGE_FLUSH_MS, logger: log });
  const sessionRepository = new SessionRepository(database);
  const metrics = new GatewayMetrics(new QueueStats(redis, env.SWITCHYARD_KEY_PREFIX, [...catalog.providers.keys()]));
  const context: GatewayContext = {
    env,
    config,
    catalog,
    keys,
    keyLimits: new KeyLimiter(requestPath, env.SWITCHYARD_KEY_PREFIX, (error, refunds) => {
      metrics.refundsFailed.inc(refunds);
      log.error({ err: error, refunds }, 'API key charges not given back; those keys are counted high until their windows end');
    }),
    keyStore,
    redis,
    chatJobs: new ChatJobSubmitter(producer, listener, env.JOB_ATTEMPTS),
    asyncJobs: new AsyncJobs(
      redis,
      producer,
      {
        prefix: env.SWITCHYARD_KEY_PREFIX,
        attempts: env.ASYNC_JOB_ATTEMPTS,
        retentionMs: env.ASYNC_JOB_RETENTION_MS,
        isKnownProvider: (name) => catalog.providers.has(name),
      },
      webhooks,
      batches,
    ),
    webhooks: webhooks.queue,
    database,
    usage,
    files,
    prompts,
    responseCache: new ResponseCache(requestPath, env.SWITCHYARD_KEY_PREFIX, config.gateway.cacheTtlSeconds),
    batches,
    promptResolver: new CachedPromptResolver(prompts),
    maxFileBytes: env.FILE_UPLOAD_MAX_BYTES,
    sessions: {
      repository: sessionRepository,
      state: new SessionState(redis, env.SWITCHYARD_KEY_PREFIX, sessionRepository, { leaseMs: env.SESSION_TURN_LEASE_MS }),
    },
    logger: log,
    metrics,
  };

  // Batches past their completion window are stopped as `expired`; every gateway looks, one does each batch.
  const batchExpiry = new PeriodicRound(async () => {
    await batches
      .expireDue(context.asyncJobs, (payload) => context.usage.record(buildDroppedRecord(payload, payload.requestId)))
      .catch((error: unknown) => log.error({ err: error }, 'batch expiry round failed'));
  }, env.BATCH_EXPIRY_CHECK_MS);
  void batchExpiry.start();
  // Idle sessions are written down as expired, and ended ones past their retention deleted; every gateway looks.
  const sessionSweep = new PeriodicRound(async () => {
    await sweepSessions(context.sessions.repository, context.sessions.state, env.SESSION_RETENTION_MS).catch((error: unknown) =>
      log.error({ err: error }, 'session retention round failed'),
    );
  }, env.SESSION_SWEEP_MS);
  void sessionSweep.start();

  const adapter = new FastifyAdapter({ ...serverOptions(config.gateway), logger: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forContext(context), adapter, {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify);
  limitConnections(fastify.server, config.gateway.maxConnections, log);
  fastify.addHook('onSend', discardUnreadBody);

  const adminKey = new AdminKey(env.SWITCHYARD_ADMIN_KEY);
  fastify.addHook('onRequest', authenticateRequests(context.keys, { adminKey, tenantExists: async (tenant) => (await keyStore.tenant(tenant)) !== undefined }));
  fastify.addHook('preHandler', admitRequests(context.keyLimits, { catalog, prompts: context.promptResolver }, context.usage));

  // The access line holds ids, route, status and time, nothing to redact: without redaction it costs a third.
  const accessLog = log.child({}, { redact: [] });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    context.metrics.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    context.metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    if (route.startsWith('/v1/')) {
      accessLog.info(
        {
          requestId: reply.getHeader('x-request-id'),
          jobId: reply.getHeader('x-switchyard-job-id'),
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });

  // Only adds a parser for multipart/form-data that reads nothing: the files
  // controller streams the parts itself, under its own limits (bodyLimit does
  // not apply), and only after the onRequest auth hook has let the caller in.
  await app.register(fastifyMultipart as never);
  await app.register(fastifySwagger as never, { mode: 'static', specification: { document: buildOpenApiDocument(VERSION) } });
  await app.register(fastifySwaggerUi as never, { routePrefix: '/docs' });
  const boardQueues = new Map([...catalog.providers.keys()].map((provider) => [provider, producer.queueFor(provider)]));
  await serveConsole(fastify, consoleAssetsDir());
  await mountQueuesBoard(fastify, { providers: boardQueues, webhooks: webhooks.queue }, adminKey);

  await app.init();
  await app.listen(env.PORT, env.HOST);
  const address = fastify.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url, redis: redactUrl(env.REDIS_URL), models: catalog.publicNames() }, 'gateway listening');

  return {
    url,
    port,
    app,
    async close() {
      // Requests in flight get a grace period to finish; after it, what is left (a long stream,
      // a client holding a connection) is cut, so a shutdown never waits without end.
      const cut = setTimeout(() => fastify.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      cut.unref();
      await app.close();
      clearTimeout(cut);
      await batchExpiry.stop();
      await sessionSweep.stop();
      await listener.close();
      await keys.close();
      await producer.close();
      await webhooks.close();
      await context.usage.close();
      await context.keyLimits.flushRefunds();
      await database.destroy();
      await Promise.all([redis.quit(), requestPath.quit()]).catch(() => undefined);
      log.info('gateway stopped');
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}
