import cluster, { type Worker } from 'node:cluster';
import { loadPlatformEnv } from '@switchyard/config';
import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { CLUSTER_ENV, serveClusterMetrics } from './metrics/cluster-metrics';
import { startGateway } from './start-gateway';

function log(level: string, msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, msg, ...fields })}\n`);
}

function fail(message: string): never {
  log('fatal', 'gateway failed to start', { error: message });
  process.exit(1);
}

let processes = 1;
try {
  processes = loadPlatformEnv().GATEWAY_PROCESSES;
} catch (error) {
  fail((error as Error).message);
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of `GATEWAY_PROCESSES > 1`: replicas on one port (every
 * gateway's state is in Redis and PostgreSQL, so they need nothing from each
 * other). A process that dies is replaced, after a delay that doubles while
 * replacements keep dying before they listen; if none has ever listened, the
 * gateway cannot start here and the primary stops with status 1.
 */
function runPrimary(count: number): void {
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  let everListened = false;
  let stopping = false;
  let failed = false;
  let restartDelayMs = 1000;

  const fork = () => live.add(cluster.fork({ [CLUSTER_ENV]: '1' }));
  const stop = (failure: boolean) => {
    stopping = true;
    failed ||= failure;
    if (live.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of live) worker.kill('SIGTERM');
  };

  cluster.on('listening', (worker) => {
    listening.add(worker);
    everListened = true;
    restartDelayMs = 1000;
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const hadListened = listening.delete(worker);
    if (stopping) {
      if (live.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!everListened) {
      log('fatal', 'a gateway process failed before it could listen; stopping', { code, signal });
      stop(true);
      return;
    }
    const delay = hadListened ? 0 : restartDelayMs;
    if (!hadListened) restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, restartDelayMs * 2);
    log('error', 'gateway process exited; starting another', { pid: worker.process.pid, code, signal, inMs: delay });
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });
  serveClusterMetrics();
  for (let i = 0; i < count; i++) fork();
  process.on('SIGTERM', () => stop(false));
  process.on('SIGINT', () => stop(false));
}

function runGateway(): void {
  initTelemetry('switchyard-gateway');
  startGateway().then(
    (gateway) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        gateway
          .close()
          .then(shutdownTelemetry)
          .then(() => process.exit(0))
          .catch(() => process.exit(1));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => fail((error as Error).message),
  );
}

if (cluster.isPrimary && processes > 1) runPrimary(processes);
else runGateway();
