import { type LlmJobPayload, type LlmJobResult, llmQueueName, llmQueuePrefix } from '@switchyard/contracts';
import { type Logger, reportErrors } from '@switchyard/observability';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LlmJobHandlers } from '../processing/llm-job-processor';
import { retryDelay } from '../processing/retry-backoff';
import type { WorkerMetrics } from './worker-metrics';

export interface ProviderQueueLimit {
  max: number;
  durationMs: number;
}

export interface LlmWorkerHostOptions {
  providers: readonly string[];
  /** BullMQ's limiter per provider queue: global across workers because it is kept in Redis. */
  limits?: ReadonlyMap<string, ProviderQueueLimit>;
  connection: Redis;
  keyPrefix: string;
  concurrency: number;
  /** Providers that take fewer jobs at once than `concurrency` (an embedded model's slots): the rest wait in their queue. */
  concurrencyOf?: ReadonlyMap<string, number>;
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** How many times a job may lose its worker before BullMQ fails it. */
  maxStalledCount: number;
  logger: Logger;
  handlers: LlmJobHandlers;
  /** Counts every run's outcome and times, from the workers' events. */
  metrics?: WorkerMetrics;
}

const NO_LIMIT = { max: 1_000_000_000, duration: 1_000 };

function limiterFor(limit: ProviderQueueLimit | undefined): { max: number; duration: number } {
  return limit === undefined ? NO_LIMIT : { max: limit.max, duration: limit.durationMs };
}

/** One BullMQ worker per provider queue this process serves. */
export class LlmWorkerHost {
  private readonly workers: Worker<LlmJobPayload, LlmJobResult>[];

  constructor(private readonly options: LlmWorkerHostOptions) {
    if (options.providers.length === 0) throw new Error('a worker needs at least one provider queue to consume');
    this.workers = options.providers.map((provider) => {
      const worker = new Worker<LlmJobPayload, LlmJobResult>(llmQueueName(provider), options.handlers.process, {
        connection: options.connection,
        prefix: llmQueuePrefix(options.keyPrefix),
        concurrency: options.concurrencyOf?.get(provider) ?? options.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        // A job whose worker died is retried this many times before it is failed for good.
        maxStalledCount: options.maxStalledCount,
        autorun: false,
        settings: { backoffStrategy: retryDelay },
        // Always a limiter: BullMQ honours a queue-wide pause (queue.rateLimit, used after a 429
        // or a spent budget) only on workers that have one. Without a configured limit it never binds.
        limiter: limiterFor(options.limits?.get(provider)),
      });
      reportErrors(worker, options.logger.child({ provider }), 'worker error');
      worker.on('failed', (job) => {
        options.metrics?.failed(provider, job);
        options.handlers.onFailed(job);
      });
      const { metrics } = options;
      if (metrics !== undefined) worker.on('completed', (job, result) => metrics.completed(provider, job, result));
      return worker;
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    for (const worker of this.workers) void worker.run();
    this.options.logger.info({ providers: this.options.providers, concurrency: this.options.concurrency }, 'consuming provider queues');
  }

  /** Stops taking jobs and waits for those in flight; anything unfinished is left for another worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
