export { createLogger, redactUrl, REDACTED_PATHS, type Logger, type LoggerOptions } from './create-logger';
export { initTelemetry, shutdownTelemetry, injectTraceContext, withServerSpan, withSpanFromCarrier, withProducerSpan, tracer } from './telemetry';
export type { Span } from '@opentelemetry/api';
export { startMetricsServer, type MetricsServer } from './metrics-server';
export { reportErrors } from './report-errors';
