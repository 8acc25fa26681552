export { startWorkerLocal, type RunningWorker } from './worker-local';
