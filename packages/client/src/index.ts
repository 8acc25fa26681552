/** For services that receive Switchyard's webhooks: Standard Webhooks verification. */
export { type HeaderSource, verifyWebhook, WebhookVerificationError } from '@switchyard/webhooks/standard-webhooks';
export { DirectClient, type DirectClientOptions } from './direct-client';
export { HttpClient, type HttpClientOptions } from './http-client';
export type { EnqueueOptions, JobEnded, JobPage, SwitchyardClient, WaitOptions } from './switchyard-client';
