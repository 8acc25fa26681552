import { runWorkerProcess } from '@switchyard/jobs';
import { startWorkerCloud } from './worker-cloud';

runWorkerProcess('worker-cloud', () => startWorkerCloud());
