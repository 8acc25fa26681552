import { context, propagation, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry when an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT
 * or OTEL_TRACES_EXPORTER). Without one, the API stays a no-op, so tracing
 * costs the request path nothing until someone collects it.
 */
export function initTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporterConfigured =
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '') !== '' ||
    (env.OTEL_TRACES_EXPORTER ?? 'none') !== 'none';
  if (sdk !== undefined || !exporterConfigured) return false;
  env.OTEL_SERVICE_NAME ??= serviceName;
  sdk = new NodeSDK({ serviceName, instrumentations: [] });
  sdk.start();
  return true;
}

export async function shutdownTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

export const tracer = trace.getTracer('switchyard');

/** Writes the active trace context into a plain object that travels inside a job. */
export function injectTraceContext(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent === undefined ? undefined : carrier;
}

/** Runs `fn` inside a span that continues the trace carried by a job. */
export async function withSpanFromCarrier<T>(
  name: string,
  carrier: Record<string, string> | undefined,
  attributes: Record<string, string | number>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = carrier === undefined ? context.active() : propagation.extract(context.active(), carrier);
  return tracer.startActiveSpan(name, { attributes }, parent, async (span) => {
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
