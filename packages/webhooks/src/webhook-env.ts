import { ConfigError, intFromEnv, parseEnv, unsetIfEmpty } from '@switchyard/config';
import { z } from 'zod';
import type { DeliverySettings } from './delivery-processor';
import { DestinationPolicy } from './destination-policy';
import { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_RETRY_DELAYS_MS } from './retry-policy';
import { isValidWebhookSecret } from './standard-webhooks';
import { DEFAULT_KEEP_DELIVERED_MS } from './webhook-queue';

const webhookEnvSchema = z.object({
  /** Signs events whose job gave no secret of its own. Without it such events are dead-lettered, never sent unsigned. */
  WEBHOOK_SECRET: z.preprocess(unsetIfEmpty, z.string().refine(isValidWebhookSecret, 'must be whsec_ followed by base64').optional()),
  /** Comma-separated CIDRs, addresses or exact host names that webhooks may reach although they are not public. */
  WEBHOOK_ALLOWLIST: z.string().default(''),
  /** For one attempt, redirects included, until the receiver's response headers. */
  WEBHOOK_TIMEOUT_MS: intFromEnv(15_000),
  WEBHOOK_CONNECT_TIMEOUT_MS: intFromEnv(5_000),
  /** No retry is scheduled later than this after the event was made. */
  WEBHOOK_MAX_AGE_MS: intFromEnv(DEFAULT_MAX_EVENT_AGE_MS),
  /** Comma-separated waits before each retry, in ms; their count + 1 is the attempts an event gets. */
  WEBHOOK_RETRY_DELAYS_MS: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'comma-separated milliseconds')
      .transform((text) => text.split(',').map((part) => Number(part.trim())))
      .pipe(z.array(z.number().int().min(0)).max(100))
      .default([...DEFAULT_RETRY_DELAYS_MS]),
  ),
  WEBHOOK_CONCURRENCY: intFromEnv(32),
  /** How long a delivered event stays in Redis, so one queued again under its id is not sent twice. */
  WEBHOOK_KEEP_DELIVERED_MS: intFromEnv(DEFAULT_KEEP_DELIVERED_MS),
});

export type WebhookEnv = z.infer<typeof webhookEnvSchema>;

export function loadWebhookEnv(source: NodeJS.ProcessEnv = process.env): WebhookEnv {
  return parseEnv(webhookEnvSchema, source);
}

export function deliverySettingsFromEnv(env: WebhookEnv): DeliverySettings {
  let policy: DestinationPolicy;
  try {
    policy = DestinationPolicy.fromList(env.WEBHOOK_ALLOWLIST.split(','));
  } catch (error) {
    throw new ConfigError(`Invalid environment:\n  WEBHOOK_ALLOWLIST: ${(error as Error).message}`);
  }
  return {
    ...(env.WEBHOOK_SECRET === undefined ? {} : { defaultSecret: env.WEBHOOK_SECRET }),
    policy,
    connectTimeoutMs: env.WEBHOOK_CONNECT_TIMEOUT_MS,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    retry: { delaysMs: env.WEBHOOK_RETRY_DELAYS_MS, maxAgeMs: env.WEBHOOK_MAX_AGE_MS },
    keepDeliveredMs: env.WEBHOOK_KEEP_DELIVERED_MS,
  };
}
