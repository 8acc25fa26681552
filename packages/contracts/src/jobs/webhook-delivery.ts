import { z } from 'zod';

export const WEBHOOK_EVENT_TYPES = ['job.succeeded', 'job.failed', 'job.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * One event to deliver. `body` is the exact JSON the receiver gets and the
 * signature covers, serialised once when the event is made, so every retry
 * sends the same bytes under the same `webhook-id`.
 */
export const webhookDeliverySchema = z.object({
  v: z.literal(1),
  /** Standard Webhooks `webhook-id`: the same on every retry, so receivers can drop duplicates. */
  eventId: z.string().min(1).max(128),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  url: z.url(),
  /** `whsec_…`; the job's own secret, or the platform's when the job gave none. */
  secret: z.string().min(1).optional(),
  tenant: z.string().min(1),
  jobId: z.string().min(1),
  body: z.string(),
  createdAt: z.number().int(),
  /** W3C trace context of the job that ended, so that each delivery attempt joins its trace. */
  trace: z.record(z.string(), z.string()).optional(),
});

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
