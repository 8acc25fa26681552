import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

describe('one trace from the caller through the queue to the worker', () => {
  const exporter = new tracing.InMemorySpanExporter();
  let platform: Platform;

  beforeAll(async () => {
    initTelemetry('switchyard-test', {}, { traceExporter: exporter });
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
    await shutdownTelemetry();
  });

  it("continues the caller's traceparent in the gateway span and in the worker's job span", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'trace me' }] }), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(response.status).toBe(200);
    await expect
      .poll(() => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId).map((span) => span.name).sort(), { timeout: 2000 })
      .toStrictEqual(['POST /v1/chat/completions', 'chat.completion']);
    const job = exporter.getFinishedSpans().find((span) => span.name === 'chat.completion');
    expect(job?.attributes).toMatchObject({ 'gen_ai.system': 'mock', 'gen_ai.request.model': 'echo' });
  });
});
