export { startWorkerCloud, type RunningWorker } from './worker-cloud';
