export type { EnqueueOptions, JobEnded, JobPage, SwitchyardClient, WaitOptions } from './switchyard-client';
export { DirectClient, type DirectClientOptions } from './direct-client';
export { HttpClient, type HttpClientOptions } from './http-client';
/** For services that receive Switchyard's webhooks: Standard Webhooks verification. */
export { verifyWebhook, WebhookVerificationError, type HeaderSource } from '@switchyard/webhooks/standard-webhooks';
