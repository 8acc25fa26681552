import { WEBHOOK_QUEUE, type WebhookDelivery, webhookQueuePrefix } from '@switchyard/contracts';
import { type Logger, reportErrors } from '@switchyard/observability';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createDeliveryProcessor, type DeliveryReceipt, type DeliverySettings, webhookBackoff } from './delivery-processor';

export interface WebhookDispatcherOptions {
  /** Blocking connection (maxRetriesPerRequest: null), as BullMQ workers need. */
  connection: Redis;
  keyPrefix: string;
  settings: DeliverySettings;
  /** Deliveries in flight at once; they mostly wait on receivers. */
  concurrency: number;
  logger: Logger;
  /** Told how each delivery attempt ended (for metrics), off the delivery's path. */
  onAttemptEnded?(outcome: DeliveryAttemptOutcome, seconds: number): void;
}

/** How a delivery attempt ended: delivered, to be tried again, or given up (a dead letter). */
export type DeliveryAttemptOutcome = 'delivered' | 'retried' | 'dead';

/** Consumes the webhook queue: one BullMQ worker whose jobs are single delivery attempts. */
export class WebhookDispatcher {
  private readonly worker: Worker<WebhookDelivery, DeliveryReceipt>;

  constructor(private readonly options: WebhookDispatcherOptions) {
    const { settings, logger } = options;
    this.worker = new Worker<WebhookDelivery, DeliveryReceipt>(WEBHOOK_QUEUE, createDeliveryProcessor(settings, logger), {
      connection: options.connection,
      prefix: webhookQueuePrefix(options.keyPrefix),
      concurrency: options.concurrency,
      // An attempt lasts at most the request timeout; the lock must outlive it so no second worker sends the same attempt.
      lockDuration: Math.max(30_000, 2 * settings.timeoutMs),
      autorun: false,
      settings: { backoffStrategy: webhookBackoff(settings.retry) },
      // Events carry no removeOnComplete of their own, so this applies to all; dead letters keep theirs (a week).
      removeOnComplete: { age: Math.ceil(settings.keepDeliveredMs / 1000) },
    });
    reportErrors(this.worker, logger, 'webhook worker error');
    const { onAttemptEnded } = options;
    if (onAttemptEnded !== undefined) {
      const seconds = (job: { processedOn?: number | undefined } | undefined) =>
        job?.processedOn === undefined ? 0 : Math.max(0, Date.now() - job.processedOn) / 1000;
      this.worker.on('completed', (job) => onAttemptEnded('delivered', seconds(job)));
      // BullMQ sets `finishedOn` only on a job that will not run again.
      this.worker.on('failed', (job) => onAttemptEnded(typeof job?.finishedOn === 'number' && job.finishedOn > 0 ? 'dead' : 'retried', seconds(job)));
    }
  }

  async start(): Promise<void> {
    await this.worker.waitUntilReady();
    void this.worker.run();
    this.options.logger.info({ concurrency: this.options.concurrency }, 'consuming the webhook queue');
  }

  /** Takes no new deliveries and waits for those in flight (each bounded by the request timeout). */
  async close(): Promise<void> {
    await this.worker.close();
  }
}
