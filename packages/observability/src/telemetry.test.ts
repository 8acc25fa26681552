import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Telemetry from './telemetry';

// The SDK registers itself on the CommonJS copy of @opentelemetry/api, which
// is what the apps load; the built module is used so the test sees the same.
const load = createRequire(__filename);
const api = load('@opentelemetry/api') as typeof import('@opentelemetry/api');
const { tracing } = load('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
const telemetry = load(join(__dirname, '..', 'dist', 'telemetry.js')) as typeof Telemetry;

describe('trace context carried inside a job', () => {
  afterAll(async () => {
    await telemetry.shutdownTelemetry();
  });

  it('stays off without an exporter, and a job span then records nothing', async () => {
    expect(telemetry.initTelemetry('test', {})).toBe(false);
    const recording = await telemetry.withSpanFromCarrier('job', undefined, {}, async (span) => span.isRecording());
    expect(recording).toBe(false);
  });

  it('makes no span and builds no attributes while off: the job span, the queue wait and a lazily described span', async () => {
    expect(telemetry.initTelemetry('test', {})).toBe(false);
    const spansMade: string[] = [];
    // The module's own tracer, the one every span helper starts its spans on.
    const { tracer } = telemetry;
    const { startSpan, startActiveSpan } = tracer;
    tracer.startSpan = (name, ...rest) => {
      spansMade.push(name);
      return startSpan.call(tracer, name, ...rest);
    };
    tracer.startActiveSpan = ((name: string, ...rest: unknown[]) => {
      spansMade.push(name);
      return (startActiveSpan as (...args: unknown[]) => unknown).call(tracer, name, ...rest);
    }) as typeof tracer.startActiveSpan;
    let described = 0;
    const describe = () => {
      described += 1;
      return {};
    };
    const [span] = await Promise.all([
      telemetry.withSpanFromCarrier('job', { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` }, describe, async (s) => s),
    ]);
    telemetry.recordSpanFromCarrier('queue wait llm:openai', undefined, Date.now() - 5, Date.now(), describe);
    tracer.startSpan = startSpan;
    tracer.startActiveSpan = startActiveSpan;
    expect(span.isRecording()).toBe(false);
    expect({ spansMade, described }).toStrictEqual({ spansMade: [], described: 0 });
  });

  it('continues the gateway trace in the worker when an exporter is configured', async () => {
    const exporter = new tracing.InMemorySpanExporter();
    expect(telemetry.initTelemetry('test', {}, { traceExporter: exporter })).toBe(true);
    const gatewaySpan = telemetry.tracer.startSpan('gateway');
    const carrier = api.context.with(api.trace.setSpan(api.context.active(), gatewaySpan), () => telemetry.injectTraceContext());
    gatewaySpan.end();
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    const workerTraceId = await telemetry.withSpanFromCarrier('worker', carrier, { 'switchyard.job_id': 'job-1' }, async (span) => span.spanContext().traceId);
    expect(workerTraceId).toBe(gatewaySpan.spanContext().traceId);
    await expect
      .poll(() => exporter.getFinishedSpans().find((span) => span.name === 'worker')?.attributes['switchyard.job_id'], { timeout: 5000 })
      .toBe('job-1');
  });
});
