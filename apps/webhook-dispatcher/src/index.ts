export { startWebhookDispatcher, type RunningWebhookDispatcher } from './webhook-dispatcher';
