import { runWorkerProcess } from '@switchyard/jobs';
import { startWorkerLocal } from './worker-local';

runWorkerProcess('worker-local', () => startWorkerLocal());
