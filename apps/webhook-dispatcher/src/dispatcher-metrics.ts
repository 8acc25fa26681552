import type { DeliveryAttemptOutcome } from '@switchyard/webhooks';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one dispatcher process, fed by the dispatcher's attempt events. */
export class DispatcherMetrics {
  readonly registry = new Registry();
  private readonly attempts = new Counter({
    name: 'switchyard_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, retried (to be tried again), dead (given up, kept as a dead letter).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'switchyard_webhook_attempt_duration_seconds',
    help: 'Time a delivery attempt took, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_dispatcher_' });
  }

  readonly attemptEnded = (outcome: DeliveryAttemptOutcome, seconds: number): void => {
    this.attempts.inc({ outcome });
    this.duration.observe({ outcome }, seconds);
  };
}
