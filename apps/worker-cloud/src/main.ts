import { runWorkerProcess } from '@switchyard/queue';
import { startWorkerCloud } from './worker-cloud';

runWorkerProcess('worker-cloud', () => startWorkerCloud());
