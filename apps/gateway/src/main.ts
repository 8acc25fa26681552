import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { startGateway } from './start-gateway';

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
  (error: unknown) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'gateway failed to start', error: (error as Error).message })}\n`);
    process.exit(1);
  },
);
