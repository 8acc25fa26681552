export type { Span } from '@opentelemetry/api';
export { createLogger, type Logger, type LoggerOptions, REDACTED_PATHS, redactUrl } from './create-logger';
export { type MetricsServer, startMetricsServer } from './metrics-server';
export { reportErrors } from './report-errors';
export { initTelemetry, injectTraceContext, shutdownTelemetry, tracer, withProducerSpan, withServerSpan, withSpanFromCarrier } from './telemetry';
