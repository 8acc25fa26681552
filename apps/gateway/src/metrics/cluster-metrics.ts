import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';

const REQUEST = 'switchyard:metrics-request';
const ANSWER = 'switchyard:metrics-answer';

interface Answer {
  type: typeof ANSWER;
  id: string;
  text?: string;
  error?: string;
}

/**
 * In the primary of `GATEWAY_PROCESSES > 1`: answers a gateway process's
 * scrape with every process's metrics, summed by prom-client's aggregator
 * (it asks each process for its registry over the cluster's IPC).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== REQUEST || message.id === undefined) return;
    const id = message.id;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id, text } satisfies Answer),
      (error: unknown) => worker.send({ type: ANSWER, id, error: (error as Error).message } satisfies Answer),
    );
  });
}

/** In a gateway process of a cluster: the metrics of every process, asked of the primary. */
export function clusterMetrics(timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = randomUUID();
    const onMessage = (message: Answer) => {
      if (message?.type !== ANSWER || message.id !== id) return;
      done();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`cluster metrics failed: ${message.error ?? 'no answer'}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('cluster metrics timed out'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: REQUEST, id });
  });
}

/** Whether this process is one of several gateway processes (its scrape then speaks for all). */
export function inGatewayCluster(): boolean {
  return cluster.isWorker;
}
