export { LOCAL_KINDS, startWorkerLocal, type RunningWorker } from './worker-local';
