import { runWorkerProcess } from '@switchyard/jobs';
import { startWebhookDispatcher } from './webhook-dispatcher';

runWorkerProcess('webhook-dispatcher', () => startWebhookDispatcher());
