import cluster from 'node:cluster';
import { loadPlatformEnv } from '@switchyard/config';
import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { serveClusterMetrics } from './metrics/cluster-metrics';
import { startGateway } from './start-gateway';

function fail(message: string): never {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'gateway failed to start', error: message })}\n`);
  process.exit(1);
}

let processes = 1;
try {
  processes = loadPlatformEnv().GATEWAY_PROCESSES;
} catch (error) {
  fail((error as Error).message);
}

if (cluster.isPrimary && processes > 1) {
  // Replicas on one port: every gateway's state is in Redis and PostgreSQL, so they need nothing from each other.
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = () => startedAt.set(cluster.fork().id, Date.now());
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  serveClusterMetrics();
  for (let i = 0; i < processes; i++) fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code === 0 ? 0 : 1);
      return;
    }
    // One that dies as it starts (bad configuration, no Redis) would die again: stop instead of looping.
    if (Date.now() - (startedAt.get(worker.id) ?? 0) < 5000) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'a gateway process failed as it started; stopping', code })}\n`);
      stop();
      return;
    }
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'gateway process exited; starting another', pid: worker.process.pid, code })}\n`);
    fork();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
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
