export type { Attributes, Counter, Histogram, Span } from '@opentelemetry/api';
export { endSpanWithError, errorType, startClientSpan } from './client-span';
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS, redactUrl } from './create-logger';
export { createMeters, flushMetrics, type Meters } from './metrics/meters';
export { prometheusName } from './metrics/prometheus-reader';
export { type MetricsServer, type MetricsSource, startMetricsServer } from './metrics-server';
export { reportErrors } from './report-errors';
export {
  capturesMessageContent,
  initTelemetry,
  injectTraceContext,
  recordSpanFromCarrier,
  type SpanAttributes,
  shutdownTelemetry,
  type TelemetryOptions,
  tracer,
  tracingStarted,
  withProducerSpan,
  withServerSpan,
  withSpanFromCarrier,
} from './telemetry';
