import { loadPlatformEnv } from '@switchyard/config';
import { WEBHOOK_QUEUE } from '@switchyard/contracts';
import { createLogger, type Logger, type MetricsServer, redactUrl, startMetricsServer } from '@switchyard/observability';
import type { RunningWorker } from '@switchyard/queue';
import { createRedis } from '@switchyard/queue';
import { deliverySettingsFromEnv, loadWebhookEnv, WebhookDispatcher } from '@switchyard/webhooks';
import { DispatcherMetrics } from './dispatcher-metrics';

/**
 * The running dispatcher. `providers` is what runWorkerProcess reads as the
 * queues a worker consumes (an empty list makes it exit at once); here it is
 * always the one webhook queue.
 */
export type RunningWebhookDispatcher = RunningWorker;

const SERVICE = 'webhook-dispatcher';

export async function startWebhookDispatcher(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWebhookDispatcher> {
  const env = loadPlatformEnv(source);
  const webhookEnv = loadWebhookEnv(source);
  const settings = deliverySettingsFromEnv(webhookEnv);
  const log = logger ?? createLogger({ service: SERVICE, level: env.LOG_LEVEL });
  if (settings.defaultSecret === undefined) {
    log.warn('WEBHOOK_SECRET is unset: events that carry no secret of their own will be dead-lettered, not sent unsigned');
  }

  const connection = createRedis(env.REDIS_URL, { name: `switchyard:${SERVICE}`, logger: log, blocking: true });
  const metrics = new DispatcherMetrics();
  const dispatcher = new WebhookDispatcher({
    connection,
    keyPrefix: env.SWITCHYARD_KEY_PREFIX,
    settings,
    concurrency: webhookEnv.WEBHOOK_CONCURRENCY,
    logger: log,
    onAttemptEnded: metrics.attemptEnded,
  });
  let metricsServer: MetricsServer | undefined;
  try {
    await dispatcher.start();
    if (env.METRICS_PORT !== undefined) metricsServer = await startMetricsServer(metrics.registry, env.METRICS_PORT, env.HOST);
  } catch (error) {
    await dispatcher.close().catch(() => undefined);
    connection.disconnect();
    throw error;
  }
  log.info(
    {
      redis: redactUrl(env.REDIS_URL),
      retryDelaysMs: settings.retry.delaysMs,
      maxAgeMs: settings.retry.maxAgeMs,
      allowlisted: webhookEnv.WEBHOOK_ALLOWLIST !== '',
      metrics: metricsServer?.url,
    },
    `${SERVICE} ready`,
  );

  return {
    providers: [WEBHOOK_QUEUE],
    ...(metricsServer === undefined ? {} : { metricsUrl: metricsServer.url }),
    async close() {
      await dispatcher.close();
      await metricsServer?.close();
      await connection.quit().catch(() => undefined);
      log.info(`${SERVICE} stopped`);
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}
