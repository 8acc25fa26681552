import { ATTR_HTTP_REQUEST_RESEND_COUNT, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS } from '@opentelemetry/semantic-conventions';
import { type WebhookDelivery, webhookDeliverySchema } from '@switchyard/contracts';
import { ATTR_SWITCHYARD_JOB_ID, ATTR_SWITCHYARD_WEBHOOK_EVENT_ID, type Logger, type Span, withSpanFromCarrier } from '@switchyard/observability';
import { type Job, UnrecoverableError } from 'bullmq';
import { type AttemptRecord, appendDeliveryLog } from './attempt-log';
import { type AttemptOutcome, attemptDelivery } from './delivery-attempt';
import type { DestinationPolicy } from './destination-policy';
import { nextRetryDelay, type RetrySchedule } from './retry-policy';
import { isValidWebhookSecret } from './standard-webhooks';

export interface DeliverySettings {
  /** Signs events that carry no secret of their own. */
  defaultSecret?: string;
  policy: DestinationPolicy;
  connectTimeoutMs: number;
  timeoutMs: number;
  retry: RetrySchedule;
  /** How long a delivered event (its hash and attempt log) stays in Redis. */
  keepDeliveredMs: number;
}

export interface DeliveryReceipt {
  status: number;
  attempts: number;
  deliveredAt: number;
}

/** A failed attempt to be tried again; carries the delay the retry schedule chose, for the backoff strategy to hand BullMQ. */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/**
 * BullMQ's backoff for the webhook queue (`backoff: { type: 'webhook' }`).
 * The processor has already picked the delay; anything else thrown (Redis
 * lost mid-job) waits as long as the schedule's step would.
 */
export function webhookBackoff(schedule: RetrySchedule): (attemptsMade: number, type?: string, error?: Error) => number {
  return (attemptsMade, _type, error) => {
    if (error instanceof RetryLaterError) return error.delayMs;
    const steps = schedule.delaysMs;
    return steps[Math.min(attemptsMade, steps.length) - 1] ?? steps[0] ?? 5_000;
  };
}

/** Nothing is sent unsigned: receivers would have no way to tell it from a forgery. */
function unusableSecret(secret: string | undefined): AttemptOutcome {
  const error = secret === undefined ? 'no signing secret: the event has none and WEBHOOK_SECRET is unset' : 'the signing secret is not a whsec_ secret';
  return { result: 'permanent', error, host: '-', durationMs: 0 };
}

export function createDeliveryProcessor(settings: DeliverySettings, logger: Logger): (job: Job<WebhookDelivery>) => Promise<DeliveryReceipt> {
  const requestOptions = { policy: settings.policy, connectTimeoutMs: settings.connectTimeoutMs, timeoutMs: settings.timeoutMs };

  async function record(job: Job<WebhookDelivery>, entry: AttemptRecord): Promise<void> {
    // The log explains dead letters; losing one line must not turn a delivered event into a retry.
    await appendDeliveryLog(job, entry).catch((error: unknown) => logger.warn({ err: error, queueJobId: job.id }, 'could not record the delivery attempt'));
  }

  async function deliver(job: Job<WebhookDelivery>): Promise<DeliveryReceipt> {
    const parsed = webhookDeliverySchema.safeParse(job.data);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'payload');
      throw new UnrecoverableError(`not a webhook delivery (invalid: ${fields.join(', ')})`);
    }
    const delivery = parsed.data;
    const attempt = job.attemptsMade + 1;
    const at = Date.now();
    const context = { eventId: delivery.eventId, jobId: delivery.jobId, tenant: delivery.tenant, attempt };

    // Each attempt is a span of the job's trace; a retry is one more, and a failed one is marked so.
    return withSpanFromCarrier(
      `webhook ${delivery.type}`,
      delivery.trace,
      { [ATTR_SWITCHYARD_WEBHOOK_EVENT_ID]: delivery.eventId, [ATTR_SWITCHYARD_JOB_ID]: delivery.jobId, [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 },
      (span) => deliverOnce(job, delivery, attempt, at, context, span),
    );
  }

  async function deliverOnce(
    job: Job<WebhookDelivery>,
    delivery: WebhookDelivery,
    attempt: number,
    at: number,
    context: { eventId: string; jobId: string; tenant: string; attempt: number },
    span: Span,
  ): Promise<DeliveryReceipt> {
    const secret = delivery.secret ?? settings.defaultSecret;
    const outcome = secret !== undefined && isValidWebhookSecret(secret) ? await attemptDelivery(delivery, secret, requestOptions) : unusableSecret(secret);
    if (span.isRecording()) {
      span.setAttribute(ATTR_SERVER_ADDRESS, outcome.host);
      if (outcome.status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
    }

    const base = {
      kind: 'attempt' as const,
      attempt,
      at,
      durationMs: outcome.durationMs,
      host: outcome.host,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
    };
    const logged = { ...context, host: outcome.host, status: outcome.status, durationMs: outcome.durationMs };

    if (outcome.result === 'delivered') {
      await record(job, { ...base, next: 'delivered' });
      logger.info(logged, 'webhook delivered');
      return { status: outcome.status, attempts: attempt, deliveredAt: Date.now() };
    }
    const delay =
      outcome.result === 'retryable'
        ? nextRetryDelay(settings.retry, {
            attemptsMade: attempt,
            createdAt: delivery.createdAt,
            now: Date.now(),
            ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
          })
        : undefined;
    if (delay === undefined) {
      await record(job, { ...base, error: outcome.error, next: 'dead' });
      logger.warn({ ...logged, reason: outcome.error, ...(outcome.detail === undefined ? {} : { detail: outcome.detail }) }, 'webhook dead-lettered');
      const reason = outcome.result === 'retryable' ? `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${outcome.error}` : outcome.error;
      throw new UnrecoverableError(reason);
    }
    await record(job, { ...base, error: outcome.error, next: 'retry', retryInMs: delay });
    logger.info({ ...logged, reason: outcome.error, retryInMs: delay }, 'webhook attempt failed; will retry');
    throw new RetryLaterError(outcome.error, delay);
  }

  return deliver;
}
