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
