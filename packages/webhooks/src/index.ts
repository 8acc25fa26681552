export { type AttemptRecord, type DeliveryLogEntry, type RedeliveryRecord, readDeliveryLog } from './attempt-log';
export {
  type DeadLetter,
  type DeadLetterPage,
  InvalidCursorError,
  type ListDeadLettersOptions,
  listDeadLetters,
  type RedeliverResult,
  redeliver,
} from './dead-letters';
export { type AttemptOutcome, attemptDelivery, WEBHOOK_USER_AGENT } from './delivery-attempt';
export { createDeliveryProcessor, type DeliveryReceipt, type DeliverySettings, RetryLaterError, webhookBackoff } from './delivery-processor';
export { DestinationPolicy, DestinationRefusedError, nonPublicRange } from './destination-policy';
export { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_RETRY_DELAYS_MS, nextRetryDelay, type RetryContext, type RetrySchedule } from './retry-policy';
export { SafeRequestError, type SafeRequestFailure, type SafeRequestOptions, type SafeResponse, safePost } from './safe-request';
export {
  generateWebhookSecret,
  type HeaderSource,
  isValidWebhookSecret,
  type SignWebhookInput,
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WebhookSecretError,
  type WebhookSignatureHeaders,
  WebhookVerificationError,
  type WebhookVerificationFailure,
  webhookSecretKey,
} from './standard-webhooks';
export { type DeliveryAttemptOutcome, WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher';
export { deliverySettingsFromEnv, loadWebhookEnv, type WebhookEnv } from './webhook-env';
export {
  enqueueWebhook,
  MAX_WEBHOOK_ATTEMPTS,
  openWebhookQueue,
  WEBHOOK_BACKOFF,
  WEBHOOK_JOB_NAME,
  WebhookProducer,
  type WebhookQueue,
  webhookJobOptions,
} from './webhook-queue';
