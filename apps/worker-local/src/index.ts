export { type RunningWorker, startWorkerLocal } from './worker-local';
