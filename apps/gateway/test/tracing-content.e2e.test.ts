import { tracing } from '@opentelemetry/sdk-node';
import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

describe('message content on provider-call spans, for an operator who opts in', () => {
  const exporter = new tracing.InMemorySpanExporter();
  let platform: Platform;

  beforeAll(async () => {
    initTelemetry('switchyard-test', { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' }, { traceExporter: exporter });
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
    await shutdownTelemetry();
  });

  it('puts the prompt and the answer on the span as GenAI messages', async () => {
    const traceId = crypto.randomUUID().replaceAll('-', '');
    const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'show my words' }] }), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(response.status).toBe(200);
    const attempt = () => exporter.getFinishedSpans().find((span) => span.spanContext().traceId === traceId && span.name === 'chat echo');
    await expect.poll(attempt, { timeout: 2000 }).toBeDefined();
    const { attributes } = attempt() ?? { attributes: {} };
    expect(JSON.parse(String(attributes['gen_ai.input.messages']))).toStrictEqual([{ role: 'user', parts: [{ type: 'text', content: 'show my words' }] }]);
    expect(JSON.parse(String(attributes['gen_ai.output.messages']))).toStrictEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'show my words' }], finish_reason: 'stop' },
    ]);
  });
});
