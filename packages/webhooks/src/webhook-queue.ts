import { WEBHOOK_QUEUE, type WebhookDelivery, webhookDeliverySchema, webhookQueuePrefix } from '@switchyard/contracts';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryReceipt } from './delivery-processor';

export const WEBHOOK_JOB_NAME = 'deliver';
/** The dispatcher's backoff strategy answers to this type; BullMQ's built-in ones would ignore the retry schedule. */
export const WEBHOOK_BACKOFF = 'webhook';
/**
 * A backstop only: the dispatcher's retry schedule decides when an event is
 * given up, and a redelivered dead letter needs attempts left to run at all.
 */
export const MAX_WEBHOOK_ATTEMPTS = 1000;

/**
 * A delivered event stays this long by default (the dispatcher's
 * `WEBHOOK_KEEP_DELIVERED_MS`), so the same event queued again under its id
 * (a job run again after its worker died) is not sent twice. Kept a day, its
 * hash and attempt log were most of Redis's growth under steady traffic.
 */
export const DEFAULT_KEEP_DELIVERED_MS = 15 * 60 * 1000;
// Dead letters stay a week for listing and redelivery; then BullMQ removes them.
const KEEP_DEAD = { age: 7 * 24 * 3600 };
const KEEP_ATTEMPT_LOG_LINES = 100;

export type WebhookQueue = Queue<WebhookDelivery, DeliveryReceipt>;

export function openWebhookQueue(connection: Redis, keyPrefix: string): WebhookQueue {
  const queue = new Queue<WebhookDelivery, DeliveryReceipt>(WEBHOOK_QUEUE, { connection, prefix: webhookQueuePrefix(keyPrefix) });
  // The queue repeats its connection's errors, which the connection logs (createRedis); unheard, BullMQ prints them.
  queue.on('error', () => undefined);
  return queue;
}

export function webhookJobOptions(eventId: string): JobsOptions {
  return {
    // One job per event: the id also makes a second enqueue of the same event a no-op.
    jobId: eventId,
    attempts: MAX_WEBHOOK_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF },
    // No removeOnComplete: the dispatcher's worker applies its own (WEBHOOK_KEEP_DELIVERED_MS), one setting in one place.
    removeOnFail: KEEP_DEAD,
    keepLogs: KEEP_ATTEMPT_LOG_LINES,
  };
}

/** Checks the event against the contract here, so a bad one fails its producer rather than sitting in the queue. */
export async function enqueueWebhook(queue: WebhookQueue, delivery: WebhookDelivery): Promise<void> {
  const event = webhookDeliverySchema.parse(delivery);
  await queue.add(WEBHOOK_JOB_NAME, event, webhookJobOptions(event.eventId));
}

/** What producers (the LLM workers) hold: one queue handle, `deliver` to hand an event to the dispatcher. */
export class WebhookProducer {
  readonly queue: WebhookQueue;

  constructor(connection: Redis, keyPrefix: string) {
    this.queue = openWebhookQueue(connection, keyPrefix);
  }

  deliver(delivery: WebhookDelivery): Promise<void> {
    return enqueueWebhook(this.queue, delivery);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
