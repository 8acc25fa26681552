export type { Attributes, Counter, Histogram, Span } from '@opentelemetry/api';
export { endSpanWithError, errorType, startClientSpan } from './client-span';
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS, redactUrl } from './create-logger';
export { createMeters, flushMetrics, type Meters } from './metrics/meters';
export { prometheusName } from './metrics/prometheus-reader';
export { type MetricsServer, type MetricsSource, startMetricsServer } from './metrics-server';
export { reportErrors } from './report-errors';
export {
  ATTR_SWITCHYARD_JOB_ID,
  ATTR_SWITCHYARD_JOBS,
  ATTR_SWITCHYARD_PROVIDER,
  ATTR_SWITCHYARD_QUEUE_NAME,
  ATTR_SWITCHYARD_QUEUE_WAIT_MS,
  ATTR_SWITCHYARD_REQUEST_QUEUED_MS,
  ATTR_SWITCHYARD_STREAM,
  ATTR_SWITCHYARD_WEBHOOK_EVENT_ID,
} from './switchyard-attributes';
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
