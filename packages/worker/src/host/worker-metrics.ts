import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '@opentelemetry/semantic-conventions/incubating';
import type { LlmJobPayload, LlmJobResult } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ProviderCallMetrics, ProviderCallOutcome, RequestEnd } from '../processing/traced-adapter';

/** How one run of a job on one route ended. */
export type JobRunOutcome = 'succeeded' | 'failed' | 'cancelled' | 'forwarded' | 'retried';

/** An OpenTelemetry name as Prometheus spells it (the OTLP→Prometheus translation: dots to underscores, the unit appended). */
const prometheusName = (name: string, unit = ''): string => name.replaceAll('.', '_') + unit;

/** The GenAI metrics' attributes, as Prometheus labels. */
const GEN_AI_LABELS = [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_MODEL, ATTR_ERROR_TYPE].map(
  (name) => prometheusName(name),
);
const TOKEN_LABELS = [...GEN_AI_LABELS.slice(0, 4), prometheusName(ATTR_GEN_AI_TOKEN_TYPE)];

interface CallSeries {
  duration: Histogram.Internal<string>;
  firstChunk: Histogram.Internal<string>;
  input: Histogram.Internal<string>;
  output: Histogram.Internal<string>;
}

/** The buckets the GenAI semantic conventions advise for these histograms. */
const GEN_AI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GEN_AI_TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

const SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Prometheus metrics of one LLM worker process, fed by its BullMQ workers'
 * `completed` and `failed` events (off the job's path: the caller has its
 * answer by then).
 */
export class WorkerMetrics implements ProviderCallMetrics {
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

  private readonly operationDuration = new Histogram({
    name: prometheusName(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, '_seconds'),
    help: 'GenAI operation duration: each provider call (a retry or a fallback route is a call of its own), by provider, models and error type.',
    labelNames: GEN_AI_LABELS,
    buckets: GEN_AI_SECONDS,
    registers: [this.registry],
  });
  private readonly tokenUsage = new Histogram({
    name: prometheusName(METRIC_GEN_AI_CLIENT_TOKEN_USAGE),
    help: 'Tokens used by each provider call that reported them, by provider, models and token type (input or output).',
    labelNames: TOKEN_LABELS,
    buckets: GEN_AI_TOKENS,
    registers: [this.registry],
  });
  private readonly firstChunk = new Histogram({
    name: prometheusName(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, '_seconds'),
    help: 'Time from a streamed provider call to its first chunk, by provider and models.',
    labelNames: GEN_AI_LABELS,
    buckets: GEN_AI_SECONDS,
    registers: [this.registry],
  });

  private readonly attempts = new Histogram({
    name: 'switchyard_worker_request_attempts',
    help: 'Provider calls a request took before it ended (retries and fallbacks included), by the provider it ended on and its status.',
    labelNames: ['provider', 'status'] as const,
    buckets: [1, 2, 3, 4, 6, 8],
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'switchyard_worker_cost_usd_total',
    help: "What ended requests cost at their route's price (the usage rows' cost), by provider; requests on unpriced routes add nothing.",
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_worker_' });
  }

  /** Each label set's histograms, looked up once: a provider call then costs a map lookup, not label hashing. */
  private readonly callSeries = new Map<string, CallSeries>();

  providerCall(call: ProviderCallOutcome): void {
    const responseModel = call.responseModel ?? '';
    const errorType = call.errorType ?? '';
    const key = `${call.provider}\u0000${call.requestModel}\u0000${responseModel}\u0000${errorType}`;
    let series = this.callSeries.get(key);
    if (series === undefined) {
      const labels = [GEN_AI_OPERATION_NAME_VALUE_CHAT, call.provider, call.requestModel, responseModel, errorType];
      const tokens = labels.slice(0, 4);
      series = {
        duration: this.operationDuration.labels(...labels),
        firstChunk: this.firstChunk.labels(...labels),
        input: this.tokenUsage.labels(...tokens, GEN_AI_TOKEN_TYPE_VALUE_INPUT),
        output: this.tokenUsage.labels(...tokens, GEN_AI_TOKEN_TYPE_VALUE_OUTPUT),
      };
      this.callSeries.set(key, series);
    }
    series.duration.observe(call.durationS);
    if (call.firstChunkS !== undefined) series.firstChunk.observe(call.firstChunkS);
    if (call.usage === undefined) return;
    series.input.observe(call.usage.prompt_tokens);
    series.output.observe(call.usage.completion_tokens);
  }

  requestEnded(end: RequestEnd): void {
    this.attempts.observe({ provider: end.provider, status: end.status }, end.attempts);
    if (end.costUsd !== null && end.costUsd > 0) this.cost.inc({ provider: end.provider }, end.costUsd);
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
