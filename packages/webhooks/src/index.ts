export {
  generateWebhookSecret,
  isValidWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookSecretKey,
  WebhookSecretError,
  WebhookVerificationError,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type HeaderSource,
  type SignWebhookInput,
  type VerifyWebhookOptions,
  type WebhookSignatureHeaders,
  type WebhookVerificationFailure,
} from './standard-webhooks';
export { DestinationPolicy, DestinationRefusedError, nonPublicRange } from './destination-policy';
export { safePost, SafeRequestError, type SafeRequestFailure, type SafeRequestOptions, type SafeResponse } from './safe-request';
export { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_RETRY_DELAYS_MS, nextRetryDelay, type RetryContext, type RetrySchedule } from './retry-policy';
export { attemptDelivery, WEBHOOK_USER_AGENT, type AttemptOutcome } from './delivery-attempt';
export { createDeliveryProcessor, RetryLaterError, webhookBackoff, type DeliveryReceipt, type DeliverySettings } from './delivery-processor';
export { readDeliveryLog, type AttemptRecord, type DeliveryLogEntry, type RedeliveryRecord } from './attempt-log';
export {
  enqueueWebhook,
  MAX_WEBHOOK_ATTEMPTS,
  openWebhookQueue,
  WEBHOOK_BACKOFF,
  WEBHOOK_JOB_NAME,
  WebhookProducer,
  webhookJobOptions,
  type WebhookQueue,
} from './webhook-queue';
export {
  InvalidCursorError,
  listDeadLetters,
  redeliver,
  type DeadLetter,
  type DeadLetterPage,
  type ListDeadLettersOptions,
  type RedeliverResult,
} from './dead-letters';
export { type DeliveryAttemptOutcome, WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher';
export { deliverySettingsFromEnv, loadWebhookEnv, type WebhookEnv } from './webhook-env';
