import { loadPlatformEnv } from '@switchyard/config';
import { WEBHOOK_QUEUE } from '@switchyard/contracts';
import { createRedis, type RunningWorker } from '@switchyard/jobs';
import { createLogger, type Logger, redactUrl } from '@switchyard/observability';
import { deliverySettingsFromEnv, loadWebhookEnv, WebhookDispatcher } from '@switchyard/webhooks';

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
  const dispatcher = new WebhookDispatcher({ connection, keyPrefix: env.SWITCHYARD_KEY_PREFIX, settings, concurrency: webhookEnv.WEBHOOK_CONCURRENCY, logger: log });
  try {
    await dispatcher.start();
  } catch (error) {
    connection.disconnect();
    throw error;
  }
  log.info(
    { redis: redactUrl(env.REDIS_URL), retryDelaysMs: settings.retry.delaysMs, maxAgeMs: settings.retry.maxAgeMs, allowlisted: webhookEnv.WEBHOOK_ALLOWLIST !== '' },
    `${SERVICE} ready`,
  );

  return {
    providers: [WEBHOOK_QUEUE],
    async close() {
      await dispatcher.close();
      await connection.quit().catch(() => undefined);
      log.info(`${SERVICE} stopped`);
      await new Promise<void>((resolve) => log.flush(() => resolve()));
    },
  };
}
