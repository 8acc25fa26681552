import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { tracingStarted } from './telemetry';

/**
 * Starts a CLIENT span (a call to an upstream) under the active span, or
 * returns undefined when nothing would record it: tracing off, or the trace
 * not sampled. `attributes` is called only for a recording span, so the
 * request path builds no attribute object while tracing is off.
 */
export function startClientSpan(name: string, attributes: () => Attributes): Span | undefined {
  if (!tracingStarted()) return undefined;
  const parent = context.active();
  if (trace.getSpan(parent)?.isRecording() === false) return undefined;
  const span = trace.getTracer('switchyard').startSpan(name, { kind: SpanKind.CLIENT }, parent);
  if (!span.isRecording()) {
    span.end();
    return undefined;
  }
  span.setAttributes(attributes());
  return span;
}

/** A failure's `error.type`: the error's code when it has one, else its class, else `_OTHER`. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.constructor.name : '_OTHER';
}

/** Ends a span as failed, with `error.type`. */
export function endSpanWithError(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}
