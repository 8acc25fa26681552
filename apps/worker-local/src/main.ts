import { runWorkerProcess } from '@switchyard/queue';
import { startWorkerLocal } from './worker-local';

runWorkerProcess('worker-local', () => startWorkerLocal());
