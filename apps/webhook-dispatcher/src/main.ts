import { runWorkerProcess } from '@switchyard/queue';
import { startWebhookDispatcher } from './webhook-dispatcher';

runWorkerProcess('webhook-dispatcher', () => startWebhookDispatcher());
