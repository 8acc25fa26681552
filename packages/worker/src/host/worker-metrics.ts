import { ATTR_ERROR_TYPE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import {
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
import {
  ATTR_SWITCHYARD_PROVIDER,
  type Attributes,
  type Counter,
  createMeters,
  type Histogram,
  type Meters,
  type MetricsSource,
} from '@switchyard/observability';
import type { Job } from 'bullmq';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ProviderCallMetrics, ProviderCallOutcome, RequestEnd } from '../processing/traced-adapter';

/** How one run of a job on one route ended. */
export type JobRunOutcome = 'succeeded' | 'failed' | 'cancelled' | 'forwarded' | 'retried';

/** The buckets the GenAI semantic conventions advise for these histograms. */
const GEN_AI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GEN_AI_TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

const SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** One provider call's attribute sets, made once per label set: a call then costs a map lookup, not new objects. */
interface CallAttributes {
  call: Attributes;
  input: Attributes;
  output: Attributes;
}

/**
 * The metrics of one LLM worker process, each defined once with the OpenTelemetry
 * metrics API: served on `/metrics` in their Prometheus spelling (next to the
 * process metrics prom-client collects) and exported over OTLP when an endpoint
 * is configured. The GenAI client metrics follow the GenAI semantic conventions;
 * the rest are Switchyard's own. Fed by the provider calls and by the BullMQ
 * workers' `completed` and `failed` events (off the job's path).
 */
export class WorkerMetrics implements ProviderCallMetrics {
  private readonly process = new Registry();
  /** prom-client's registry behind `/metrics`, for gauges set from snapshots (worker-local's resources) rather than events. */
  readonly gauges: Registry = this.process;
  private readonly meters: Meters = createMeters('switchyard.worker');
  /** What the worker's `/metrics` serves: the process metrics and every metric below. */
  readonly registry: MetricsSource = {
    contentType: this.process.contentType,
    metrics: async () => `${await this.process.metrics()}\n${await this.meters.prometheusText()}\n`,
  };

  private readonly runs: Counter = this.meters.meter.createCounter('switchyard.worker.jobs', {
    description:
      'Job runs this worker ended, by provider and outcome: succeeded, failed, cancelled, forwarded (to the next route of its chain), retried (to run again on this route).',
    unit: '{run}',
  });
  private readonly duration: Histogram = this.meters.meter.createHistogram('switchyard.worker.job_duration', {
    description: 'Time a job run took in this worker, from taking the job to its end, by provider and outcome.',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS },
  });
  private readonly upstream: Histogram = this.meters.meter.createHistogram('switchyard.worker.upstream_latency', {
    description: 'Time of the provider call of runs that reached the provider and answered or handed on, by provider.',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS },
  });
  private readonly queueWait: Histogram = this.meters.meter.createHistogram('switchyard.worker.queue_wait', {
    description: 'Time from enqueue to a worker taking the job, by provider.',
    unit: 's',
    advice: { explicitBucketBoundaries: SECONDS },
  });
  private readonly fallbacks: Counter = this.meters.meter.createCounter('switchyard.worker.fallbacks', {
    description: 'Requests this worker handed to the next route of their chain, by the provider left and the one handed to.',
    unit: '{request}',
  });

  private readonly operationDuration: Histogram = this.meters.meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
    description: 'GenAI operation duration: each provider call (a retry or a fallback route is a call of its own), by provider, models and error type.',
    unit: 's',
    advice: { explicitBucketBoundaries: GEN_AI_SECONDS },
  });
  private readonly tokenUsage: Histogram = this.meters.meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
    description: 'Tokens used by each provider call that reported them, by provider, models and token type (input or output).',
    unit: '{token}',
    advice: { explicitBucketBoundaries: GEN_AI_TOKENS },
  });
  private readonly firstChunk: Histogram = this.meters.meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, {
    description: 'Time from a streamed provider call to its first chunk, by provider and models.',
    unit: 's',
    advice: { explicitBucketBoundaries: GEN_AI_SECONDS },
  });

  private readonly attempts: Histogram = this.meters.meter.createHistogram('switchyard.worker.request_attempts', {
    description: 'Provider calls a request took before it ended (retries and fallbacks included), by the provider it ended on and its status.',
    unit: '{attempt}',
    advice: { explicitBucketBoundaries: [1, 2, 3, 4, 6, 8] },
  });
  private readonly cost: Counter = this.meters.meter.createCounter('switchyard.worker.cost', {
    description: "What ended requests cost at their route's price (the usage rows' cost), by provider; requests on unpriced routes add nothing.",
    unit: 'USD',
  });

  constructor() {
    collectDefaultMetrics({ register: this.process, prefix: 'switchyard_worker_' });
  }

  private readonly callAttributes = new Map<string, CallAttributes>();

  providerCall(call: ProviderCallOutcome): void {
    const { upstream } = call;
    const key = `${upstream.provider}\u0000${call.requestModel}\u0000${call.responseModel ?? ''}\u0000${call.errorType ?? ''}`;
    let attributes = this.callAttributes.get(key);
    if (attributes === undefined) {
      const tokens: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
        [ATTR_GEN_AI_PROVIDER_NAME]: upstream.genAiProvider,
        [ATTR_SWITCHYARD_PROVIDER]: upstream.provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: call.requestModel,
      };
      if (call.responseModel !== undefined) tokens[ATTR_GEN_AI_RESPONSE_MODEL] = call.responseModel;
      if (upstream.serverAddress !== undefined) tokens[ATTR_SERVER_ADDRESS] = upstream.serverAddress;
      if (upstream.serverPort !== undefined) tokens[ATTR_SERVER_PORT] = upstream.serverPort;
      attributes = {
        call: call.errorType === undefined ? tokens : { ...tokens, [ATTR_ERROR_TYPE]: call.errorType },
        input: { ...tokens, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_INPUT },
        output: { ...tokens, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT },
      };
      this.callAttributes.set(key, attributes);
    }
    this.operationDuration.record(call.durationS, attributes.call);
    if (call.firstChunkS !== undefined) this.firstChunk.record(call.firstChunkS, attributes.call);
    if (call.usage === undefined) return;
    this.tokenUsage.record(call.usage.prompt_tokens, attributes.input);
    this.tokenUsage.record(call.usage.completion_tokens, attributes.output);
  }

  requestEnded(end: RequestEnd): void {
    this.attempts.record(end.attempts, { provider: end.provider, status: end.status });
    if (end.costUsd !== null && end.costUsd > 0) this.cost.add(end.costUsd, { provider: end.provider });
  }

  completed(provider: string, job: Job<LlmJobPayload>, result: LlmJobResult | undefined): void {
    let outcome: JobRunOutcome = 'succeeded';
    if (result?.cancelled === true) outcome = 'cancelled';
    else if (result?.forwardedTo !== undefined) {
      outcome = 'forwarded';
      this.fallbacks.add(1, { from: provider, to: result.forwardedTo.provider });
    } else if (result?.failed === true) outcome = 'failed';
    this.ended(provider, job, outcome);
    if (result === undefined) return;
    if (result.timings.upstreamMs > 0) this.upstream.record(result.timings.upstreamMs / 1000, { provider });
    this.queueWait.record(Math.max(0, result.timings.queueMs) / 1000, { provider });
  }

  /** BullMQ's `failed`: the job either goes back for another attempt or has failed for good. */
  failed(provider: string, job: Job<LlmJobPayload> | undefined): void {
    if (job === undefined) {
      this.runs.add(1, { provider, outcome: 'failed' });
      return;
    }
    // BullMQ sets `finishedOn` only on a job that will not run again.
    this.ended(provider, job, typeof job.finishedOn === 'number' && job.finishedOn > 0 ? 'failed' : 'retried');
  }

  /** Exports what is left (when OTLP export is on) and stops. */
  shutdown(): Promise<void> {
    return this.meters.shutdown();
  }

  private ended(provider: string, job: Job<LlmJobPayload>, outcome: JobRunOutcome): void {
    this.runs.add(1, { provider, outcome });
    if (job.processedOn !== undefined) this.duration.record(Math.max(0, Date.now() - job.processedOn) / 1000, { provider, outcome });
  }
}
