import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { startWorkerCloud } from './worker-cloud';

initTelemetry('switchyard-worker-cloud');

startWorkerCloud().then(
  (worker) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${JSON.stringify({ msg: 'draining in-flight jobs', signal })}\n`);
      worker
        .close()
        .then(shutdownTelemetry)
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  },
  (error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'worker-cloud failed to start', error: (error as Error).message })}\n`);
    process.exit(1);
  },
);
