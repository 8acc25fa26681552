import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';

/** A started queue consumer (an LLM worker, the webhook dispatcher): what it serves and how to drain it. */
export interface RunningWorker {
  providers: string[];
  /** Where the process serves its Prometheus metrics, when METRICS_PORT is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/**
 * The process around a worker: telemetry, then SIGTERM/SIGINT drain the jobs
 * in flight before exiting. A worker with nothing to serve exits at once, 0.
 */
export function runWorkerProcess(service: string, start: () => Promise<RunningWorker>): void {
  initTelemetry(`switchyard-${service}`);
  start().then(
    (worker) => {
      if (worker.providers.length === 0) {
        void worker.close().then(() => process.exit(0));
        return;
      }
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
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: `${service} failed to start`, error: (error as Error).message })}\n`);
      process.exit(1);
    },
  );
}
