import type { QueueCounts, QueueStats } from '@switchyard/queue';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { inGatewayCluster } from './cluster-metrics';

const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** Prometheus metrics of one gateway process; observed in a response hook, off the handler. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'Time from request to response, by route.',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'switchyard_jobs_total',
    help: 'Chat jobs submitted by this gateway, by outcome and the provider that answered (a failure: the first route).',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: 'switchyard_fallbacks_total',
    help: 'Chat jobs answered by a fallback route, by the first route and the provider that answered.',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly cache = new Counter({
    name: 'switchyard_cache_requests_total',
    help: 'Chat completions by what the response cache did: hit, miss (answered and kept) or bypass.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Credits the provider that answered: a fallback's answer is not the first route's. */
  answered(firstProvider: string, answeredBy: string, outcome: string): void {
    this.jobs.inc({ provider: answeredBy, outcome });
    if (answeredBy !== firstProvider) this.fallbacks.inc({ from: firstProvider, to: answeredBy });
  }

  /** Work the gateway could not do and carried on without: nothing failed for the caller, but something is off. */
  readonly refundsFailed = new Counter({
    name: 'switchyard_key_refunds_failed_total',
    help: 'Charges not given back to API keys because Redis did not take the refund (the keys stay counted high until their windows end).',
    registers: [this.registry],
  });
  readonly modelInventoryErrors = new Counter({
    name: 'switchyard_model_inventory_errors_total',
    help: "Model lists answered without a fresh read of local servers' models from Redis (the last one read is served).",
    registers: [this.registry],
  });

  constructor(queues?: QueueStats) {
    if (queues !== undefined) registerQueueGauges(this.registry, queues);
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_gateway_' });
    // One of several gateway processes: the primary's aggregator asks each for this registry. Making an
    // aggregator here is what installs prom-client's listener that answers it.
    if (inGatewayCluster()) {
      AggregatorRegistry.setRegistries([this.registry]);
      void new AggregatorRegistry();
    }
  }
}

/**
 * The provider queues' gauges, read on scrape: both share one read (QueueStats
 * keeps it a second). While Redis is away a scrape still answers, without
 * them. Every gateway reads the same queues, so several processes report one
 * value, not their sum.
 */
function registerQueueGauges(registry: Registry, queues: QueueStats): void {
  const counts = () => queues.read().catch((): QueueCounts[] => []);
  new Gauge({
    name: 'switchyard_queue_jobs',
    help: 'Jobs in each provider queue by state: waiting, prioritized (batch lines, jobs with a priority), active, delayed, failed (kept).',
    labelNames: ['provider', 'state'] as const,
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const queueCounts = await counts();
      this.reset();
      for (const queue of queueCounts) {
        for (const state of QUEUE_STATES) this.set({ provider: queue.provider, state }, queue[state]);
      }
    },
  });
  new Gauge({
    name: 'switchyard_queue_oldest_waiting_age_seconds',
    help: 'How long the longest-waiting due job of each provider queue has waited (0: none waits).',
    labelNames: ['provider'] as const,
    aggregator: 'max',
    registers: [registry],
    async collect() {
      const queueCounts = await counts();
      this.reset();
      for (const queue of queueCounts) this.set({ provider: queue.provider }, queue.oldestWaitingAgeSeconds);
    },
  });
}
