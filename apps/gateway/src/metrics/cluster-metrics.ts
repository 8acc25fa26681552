import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';

/** Set by the gateway's own primary on the processes it forks (another cluster manager's workers are on their own). */
export const CLUSTER_ENV = 'SWITCHYARD_GATEWAY_CLUSTER';

const REQUEST = 'switchyard:metrics-request';
const ANSWER = 'switchyard:metrics-answer';
/** Scrapes within this of each other share one collection from every process. */
const FRESH_MS = 1000;

interface Answer {
  type: typeof ANSWER;
  id: string;
  text?: string;
  error?: string;
}

/**
 * In the primary of `GATEWAY_PROCESSES > 1`: answers a gateway process's
 * scrape with every process's metrics, summed by prom-client's aggregator
 * (it asks each process for its registry over the cluster's IPC). Scrapes
 * that come together, or within a second, share one collection.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  let latest: { at: number; text: Promise<string> } | undefined;
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== REQUEST || message.id === undefined) return;
    const id = message.id;
    if (latest === undefined || Date.now() - latest.at > FRESH_MS) {
      const text = aggregator.clusterMetrics();
      latest = { at: Date.now(), text };
      // A failed collection is not kept for the next scrapes.
      text.catch(() => {
        if (latest?.text === text) latest = undefined;
      });
    }
    latest.text.then(
      (text) => worker.send({ type: ANSWER, id, text } satisfies Answer),
      (error: unknown) => worker.send({ type: ANSWER, id, error: (error as Error).message } satisfies Answer),
    );
  });
}

const waiting = new Map<string, { resolve(text: string): void; reject(error: Error): void }>();
let listening = false;

/** In a gateway process of the cluster: the metrics of every process, asked of the primary. */
export function clusterMetrics(timeoutMs = 5000): Promise<string> {
  if (!listening) {
    listening = true;
    // One listener for all scrapes in flight.
    process.on('message', (message: Answer) => {
      if (message?.type !== ANSWER) return;
      const pending = waiting.get(message.id);
      if (pending === undefined) return;
      waiting.delete(message.id);
      if (message.text !== undefined) pending.resolve(message.text);
      else pending.reject(new Error(`cluster metrics failed: ${message.error ?? 'no answer'}`));
    });
  }
  return new Promise((resolve, reject) => {
    const id = randomUUID();
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error('cluster metrics timed out'));
    }, timeoutMs);
    waiting.set(id, {
      resolve: (text) => {
        clearTimeout(timer);
        resolve(text);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    process.send?.({ type: REQUEST, id });
  });
}

/** Whether this process was forked by the gateway's primary (its scrape then speaks for all). */
export function inGatewayCluster(): boolean {
  return cluster.isWorker && process.env[CLUSTER_ENV] === '1';
}
