export { type RunningWebhookDispatcher, startWebhookDispatcher } from './webhook-dispatcher';
