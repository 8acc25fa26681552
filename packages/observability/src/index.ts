export { createLogger, redactUrl, REDACTED_PATHS, type Logger, type LoggerOptions } from './create-logger';
export { initTelemetry, shutdownTelemetry, injectTraceContext, withServerSpan, withSpanFromCarrier, tracer } from './telemetry';
export { reportErrors } from './report-errors';
