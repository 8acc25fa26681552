import { tracing } from '@opentelemetry/sdk-node';
import { DirectClient } from '@switchyard/client';
import { initTelemetry, shutdownTelemetry, tracer } from '@switchyard/observability';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

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

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const named = (traceId: string, name: string) => spansOf(traceId).filter((span) => span.name === name);
  const newTraceId = () => crypto.randomUUID().replaceAll('-', '');
  const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;
  const message = (content: string) => ({ model: 'mock-echo', messages: [{ role: 'user' as const, content }] });

  it("continues the caller's traceparent in the gateway span and in the worker's job span", async () => {
    const traceId = newTraceId();
    const response = await postChat(platform, JSON.stringify(message('trace me')), { traceparent: traceparent(traceId) });
    expect(response.status).toBe(200);
    await expect
      .poll(
        () =>
          spansOf(traceId)
            .map((span) => span.name)
            .sort(),
        { timeout: 2000 },
      )
      .toStrictEqual(['POST /v1/chat/completions', 'chat echo', 'chat.completion', 'queue wait llm:mock']);
    const job = named(traceId, 'chat.completion')[0];
    expect(job?.attributes).toMatchObject({ 'gen_ai.provider.name': 'openai-compatible', 'switchyard.provider': 'mock', 'gen_ai.request.model': 'echo' });
    const [attempt] = named(traceId, 'chat echo');
    expect(attempt?.parentSpanContext?.spanId).toBe(job?.spanContext().spanId);
  });

  it("traces an async job: POST /v1/jobs makes a gateway span in the caller's trace, and the worker's span is its child", async () => {
    const traceId = newTraceId();
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', traceparent: traceparent(traceId) },
      body: JSON.stringify(message('trace my job')),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await expect
      .poll(
        () =>
          spansOf(traceId)
            .map((span) => span.name)
            .sort(),
        { timeout: 5000 },
      )
      .toStrictEqual(['POST /v1/jobs', 'chat echo', 'chat.completion', 'queue wait llm:mock']);
    const [gateway] = named(traceId, 'POST /v1/jobs');
    const [worker] = named(traceId, 'chat.completion');
    expect(gateway?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(gateway?.attributes['switchyard.job_id']).toBe(id);
    expect(worker?.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
    expect(worker?.attributes['switchyard.job_id']).toBe(id);
  });

  it('traces a batch: every line runs in a worker span whose parent is the span of the request that created the batch', async () => {
    const traceId = newTraceId();
    const lines = ['a', 'b'].map((customId) =>
      JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: message(`line ${customId}`) }),
    );
    const file = await platform.client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'requests.jsonl'), purpose: 'batch' });
    const created = await fetch(`${platform.gateway.url}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', traceparent: traceparent(traceId) },
      body: JSON.stringify({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
    });
    expect(created.status).toBe(200);
    await expect.poll(() => named(traceId, 'chat.completion').length, { timeout: 10_000 }).toBe(2);
    const [gateway] = named(traceId, 'POST /v1/batches');
    expect(gateway?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    for (const worker of named(traceId, 'chat.completion')) expect(worker.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
  });

  describe('the direct client', () => {
    let client: DirectClient;

    beforeAll(async () => {
      client = await DirectClient.connect({
        prefix: platform.env.SWITCHYARD_KEY_PREFIX ?? '',
        configPath: platform.env.SWITCHYARD_CONFIG ?? '',
        caller: { keyId: 'test-key', tenant: 'acme' },
      });
    });

    afterAll(async () => {
      await client.close();
    });

    it("continues the caller's active span: the job's worker span is in its trace, under the client's enqueue span", async () => {
      const { traceId, spanId } = await tracer.startActiveSpan('caller', async (span) => {
        await client.enqueueAndWait(message('direct and traced'));
        span.end();
        return span.spanContext();
      });
      await expect.poll(() => named(traceId, 'chat.completion').length, { timeout: 5000 }).toBe(1);
      const [enqueue] = named(traceId, 'switchyard.enqueue');
      const [worker] = named(traceId, 'chat.completion');
      expect(enqueue?.parentSpanContext?.spanId).toBe(spanId);
      expect(worker?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    });

    it('opens a trace of its own when the caller has none: the worker spans of a bulk enqueue are children of its enqueue span', async () => {
      const before = new Set(exporter.getFinishedSpans().map((span) => span.spanContext().spanId));
      const jobs = await client.enqueueBulk([message('bulk one'), message('bulk two')]);
      const ids = new Set(jobs.map((job) => job.id));
      const workers = () =>
        exporter.getFinishedSpans().filter((span) => span.name === 'chat.completion' && ids.has(String(span.attributes['switchyard.job_id'])));
      await expect.poll(() => workers().length, { timeout: 5000 }).toBe(2);
      const enqueue = exporter.getFinishedSpans().find((span) => span.name === 'switchyard.enqueue' && !before.has(span.spanContext().spanId));
      expect(enqueue?.parentSpanContext).toBeUndefined();
      for (const worker of workers()) {
        expect(worker.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
        expect(worker.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
      }
    });
  });
});
