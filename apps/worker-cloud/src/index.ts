export { type RunningWorker, startWorkerCloud } from './worker-cloud';
