import {
  type Attributes,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { metrics, NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { clearMetricExport, configureMetricExport } from './metrics/metric-export';

let sdk: NodeSDK | undefined;
let captureContent = false;

export interface TelemetryOptions {
  /** Spans go here instead of to OTLP (tests). */
  traceExporter?: tracing.SpanExporter;
  /** Metrics go here as well as to `/metrics` (tests); export with `flushMetrics()`. */
  metricExporter?: metrics.PushMetricExporter;
}

/**
 * Starts OpenTelemetry when an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_TRACES_EXPORTER). Without one, the API stays a no-op, so tracing
 * costs the request path nothing until someone collects it. Metrics are
 * always kept for `/metrics`; an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) also exports them.
 */
export function initTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env, options: TelemetryOptions = {}): boolean {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  configureMetricExport(serviceName, env, options.metricExporter);
  // Prompts and answers are the tenants' data: spans carry them only when an operator opts in.
  captureContent = (env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? '').toLowerCase() === 'true';
  const exporterConfigured =
    options.traceExporter !== undefined ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '') !== '' ||
    (env.OTEL_TRACES_EXPORTER ?? 'none') !== 'none';
  if (sdk !== undefined || !exporterConfigured) return sdk !== undefined;
  // Loaded only here: the SDK is some 460 modules and 25 MB of resident memory that a process without an exporter never uses.
  const { NodeSDK, tracing: tracingSdk } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  sdk = new NodeSDK({
    serviceName,
    instrumentations: [],
    // Each component's meter provider exports its own metrics (see createMeters); the SDK makes none.
    metricReaders: [],
    ...(options.traceExporter ? { spanProcessors: [new tracingSdk.SimpleSpanProcessor(options.traceExporter)] } : {}),
  });
  sdk.start();
  return true;
}

/** Whether this process started tracing; while it has not, span helpers do nothing at all. */
export function tracingStarted(): boolean {
  return sdk !== undefined;
}

/** Whether an operator opted in to message content on GenAI spans (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true). */
export function capturesMessageContent(): boolean {
  return captureContent;
}

export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
  clearMetricExport();
}

export const tracer = trace.getTracer('switchyard');

/**
 * Jobs always carry W3C trace context, whatever propagator the process
 * around them installed (an application using the direct client may set
 * up OpenTelemetry its own way, or another format for its HTTP calls).
 */
const jobPropagator = new W3CTraceContextPropagator();

/** Writes the active trace context into a plain object that travels inside a job. */
export function injectTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  jobPropagator.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier.traceparent === undefined ? undefined : carrier;
}

const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

type Carrier = Record<string, string | string[] | undefined>;

/** A span's attributes, or a function that makes them only when the span is made (never while tracing is off). */
export type SpanAttributes = Attributes | (() => Attributes);

async function withSpan<T>(name: string, kind: SpanKind, carrier: Carrier | undefined, attributes: SpanAttributes, fn: (span: Span) => Promise<T>): Promise<T> {
  if (sdk === undefined) return fn(NOOP_SPAN);
  const parent = carrier === undefined ? context.active() : jobPropagator.extract(context.active(), carrier, defaultTextMapGetter);
  return tracer.startActiveSpan(name, { kind, attributes: typeof attributes === 'function' ? attributes() : attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Records a span that already happened (a job's wait in its queue: from its enqueue
 * to a worker taking it), as a child of the context `carrier` holds. Costs nothing
 * while tracing is off.
 */
export function recordSpanFromCarrier(
  name: string,
  carrier: Record<string, string> | undefined,
  startTime: number,
  endTime: number,
  attributes: () => Attributes,
): void {
  if (sdk === undefined) return;
  const parent = carrier === undefined ? context.active() : jobPropagator.extract(context.active(), carrier, defaultTextMapGetter);
  const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, startTime }, parent);
  if (span.isRecording()) span.setAttributes(attributes());
  span.end(endTime);
}

/** Runs a request handler in a server span that continues the caller's `traceparent`, if any. */
export function withServerSpan<T>(name: string, headers: Carrier, attributes: SpanAttributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return withSpan(name, SpanKind.SERVER, headers, attributes, fn);
}

/** Runs a job in a consumer span that continues the trace the job carries; costs nothing while tracing is off. */
export function withSpanFromCarrier<T>(
  name: string,
  carrier: Record<string, string> | undefined,
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(name, SpanKind.CONSUMER, carrier, attributes, fn);
}

/**
 * Runs an enqueue from a library (the direct client) in a producer span: a
 * child of the caller's active span when there is one, otherwise the root
 * of a new trace. It uses whatever tracer provider the application set up,
 * not only ours; without any, the span records nothing and passes the
 * caller's context on unchanged.
 */
export function withProducerSpan<T>(name: string, attributes: Record<string, string | number>, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
