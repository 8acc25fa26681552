import type { LlmJobPayload, LlmJobResult } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** How one run of a job on one route ended. */
export type JobRunOutcome = 'succeeded' | 'failed' | 'cancelled' | 'forwarded' | 'retried';

const SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Prometheus metrics of one LLM worker process, fed by its BullMQ workers'
 * `completed` and `failed` events (off the job's path: the caller has its
 * answer by then).
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: 'switchyard_worker_jobs_total',
    help: 'Job runs this worker ended, by provider and outcome: succeeded, failed, cancelled, forwarded (to the next route of its chain), retried (to run again on this route).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'switchyard_worker_job_duration_seconds',
    help: 'Time a job run took in this worker, from taking the job to its end, by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly upstream = new Histogram({
    name: 'switchyard_worker_upstream_latency_seconds',
    help: 'Time of the provider call of runs that reached the provider and answered or handed on, by provider.',
    labelNames: ['provider'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'switchyard_worker_queue_wait_seconds',
    help: 'Time from enqueue to a worker taking the job, by provider.',
    labelNames: ['provider'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'switchyard_worker_fallbacks_total',
    help: 'Requests this worker handed to the next route of their chain, by the provider left and the one handed to.',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_worker_' });
  }

  completed(provider: string, job: Job<LlmJobPayload>, result: LlmJobResult | undefined): void {
    let outcome: JobRunOutcome = 'succeeded';
    if (result?.cancelled === true) outcome = 'cancelled';
    else if (result?.forwardedTo !== undefined) {
      outcome = 'forwarded';
      this.fallbacks.inc({ from: provider, to: result.forwardedTo.provider });
    } else if (result?.failed === true) outcome = 'failed';
    this.ended(provider, job, outcome);
    if (result === undefined) return;
    if (result.timings.upstreamMs > 0) this.upstream.observe({ provider }, result.timings.upstreamMs / 1000);
    this.queueWait.observe({ provider }, Math.max(0, result.timings.queueMs) / 1000);
  }

  /** BullMQ's `failed`: the job either goes back for another attempt or has failed for good. */
  failed(provider: string, job: Job<LlmJobPayload> | undefined): void {
    if (job === undefined) {
      this.runs.inc({ provider, outcome: 'failed' });
      return;
    }
    // BullMQ sets `finishedOn` only on a job that will not run again.
    this.ended(provider, job, typeof job.finishedOn === 'number' && job.finishedOn > 0 ? 'failed' : 'retried');
  }

  private ended(provider: string, job: Job<LlmJobPayload>, outcome: JobRunOutcome): void {
    this.runs.inc({ provider, outcome });
    if (job.processedOn !== undefined) this.duration.observe({ provider, outcome }, Math.max(0, Date.now() - job.processedOn) / 1000);
  }
}
