export { CLOUD_KINDS, startWorkerCloud, type RunningWorker } from './worker-cloud';
