export type { Attributes, Span } from '@opentelemetry/api';
export { endSpanWithError, startClientSpan } from './client-span';
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS, redactUrl } from './create-logger';
export { type MetricsServer, startMetricsServer } from './metrics-server';
export { reportErrors } from './report-errors';
export {
  capturesMessageContent,
  initTelemetry,
  injectTraceContext,
  shutdownTelemetry,
  tracer,
  tracingStarted,
  withProducerSpan,
  withServerSpan,
  withSpanFromCarrier,
} from './telemetry';
