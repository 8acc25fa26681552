import { core, tracing } from '@opentelemetry/sdk-node';
import { initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const WEBHOOK_SECRET = 'whsec_c3dpdGNoeWFyZC13ZWJob29rcy10ZXN0';
const SPAN_KIND_INTERNAL = 0;
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

describe('one trace per request, with GenAI spans for each provider attempt and the webhook delivery', () => {
  const exporter = new tracing.InMemorySpanExporter();
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    initTelemetry('switchyard-test', {}, { traceExporter: exporter });
    receiver = await startWebhookReceiver({ '/flaky': [500, 200] });
    // Two attempts per route, so that a retry on the same route shows as a span of its own.
    platform = await startPlatform({ env: { JOB_ATTEMPTS: '2' } });
    dispatcher = await startWebhookDispatcher({
      ...platform.env,
      WEBHOOK_SECRET,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      WEBHOOK_RETRY_DELAYS_MS: '50,50,50,50',
    });
  });

  afterAll(async () => {
    await dispatcher.close();
    await platform.close();
    receiver.close();
    await shutdownTelemetry();
  });

  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const named = (traceId: string, name: string) => spansOf(traceId).filter((span) => span.name === name);
  const newTraceId = () => crypto.randomUUID().replaceAll('-', '');
  const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;

  it('traces an async job from the caller through a failed attempt, its fallback and the webhook delivery with its retry', async () => {
    const traceId = newTraceId();
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', traceparent: traceparent(traceId) },
      body: JSON.stringify({
        model: 'chain-after-401',
        messages: [{ role: 'user', content: 'trace the whole way' }],
        max_tokens: 50,
        temperature: 0.5,
        top_p: 0.9,
        seed: 7,
        webhook: { url: `${receiver.base}/flaky` },
      }),
    });
    expect(response.status).toBe(202);
    await expect.poll(() => named(traceId, 'webhook job.succeeded').length, { timeout: 10_000 }).toBe(2);

    const [gateway] = named(traceId, 'POST /v1/jobs');
    expect(gateway?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    const jobs = named(traceId, 'chat.completion');
    expect(jobs).toHaveLength(2);
    const ms = (time: [number, number]) => core.hrTimeToMilliseconds(time);

    // Each job's wait in its queue is a span of its own: a child of the gateway's span, from the job's enqueue
    // to the worker taking it, ending before the job's span starts. The fallback's is on the backup's queue.
    const waits = ['llm:mock', 'llm:backup'].map((queue) => named(traceId, `queue wait ${queue}`));
    for (const [wait] of waits) {
      expect(wait?.kind).toBe(SPAN_KIND_INTERNAL);
      expect(wait?.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
      const job = jobs.find((span) => span.attributes['switchyard.job_id'] === wait?.attributes['switchyard.job_id']);
      expect(job?.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
      expect(ms(wait?.startTime ?? [0, 0])).toBeGreaterThanOrEqual(ms(gateway?.startTime ?? [0, 0]) - 1);
      expect(ms(wait?.endTime ?? [0, 0])).toBeLessThanOrEqual(ms(job?.startTime ?? [0, 0]) + 1);
      expect(wait?.attributes['switchyard.queue.wait_ms']).toBeCloseTo(ms(wait?.endTime ?? [0, 0]) - ms(wait?.startTime ?? [0, 0]), -1);
    }
    expect(waits.map((spans) => spans.length)).toStrictEqual([1, 1]);
    expect(waits.map(([wait]) => wait?.attributes['switchyard.queue.name'])).toStrictEqual(['llm:mock', 'llm:backup']);

    // The first route's attempt fails; the fallback route's answers. Each is a CLIENT span under its job's span.
    const [failed] = named(traceId, 'chat echo@status=401');
    const [answered] = named(traceId, 'chat echo');
    for (const attempt of [failed, answered]) {
      expect(attempt?.kind).toBe(SPAN_KIND_CLIENT);
      expect(jobs.map((job) => job.spanContext().spanId)).toContain(attempt?.parentSpanContext?.spanId);
      expect(attempt?.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.max_tokens': 50,
        'gen_ai.request.temperature': 0.5,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.seed': 7,
        'gen_ai.request.stream': false,
      });
    }
    // `gen_ai.provider.name` is the provider's kind as the conventions name it (the mocks are OpenAI-compatible hosts);
    // the routing file's name is `switchyard.provider`, the host and port those of its base URL.
    const [host, port] = new URL(platform.mock.url).host.split(':');
    expect(failed?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai-compatible',
      'switchyard.provider': 'mock',
      'gen_ai.request.model': 'echo@status=401',
      'server.address': host,
      'server.port': Number(port),
      'error.type': 'upstream_auth_failed',
    });
    expect(failed?.status.code).toBe(STATUS_ERROR);
    expect(answered?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai-compatible',
      'switchyard.provider': 'backup',
      'server.address': host,
      'server.port': Number(port),
      'gen_ai.request.model': 'echo',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
    });
    expect(answered?.attributes['gen_ai.response.id']).toEqual(expect.any(String));
    expect(answered?.attributes['gen_ai.response.model']).toEqual(expect.any(String));
    expect(answered?.attributes['error.type']).toBeUndefined();
    expect(answered?.attributes['gen_ai.system']).toBeUndefined();
    // Message content stays out of spans unless an operator opts in.
    expect(answered?.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(answered?.attributes['gen_ai.output.messages']).toBeUndefined();

    // The webhook: the first attempt gets a 500 and is retried; both attempts are spans of the same trace.
    const deliveries = named(traceId, 'webhook job.succeeded').sort(
      (a, b) => Number(a.attributes['http.request.resend_count']) - Number(b.attributes['http.request.resend_count']),
    );
    expect(deliveries.map((span) => span.attributes['http.response.status_code'])).toStrictEqual([500, 200]);
    expect(deliveries[0]?.status.code).toBe(STATUS_ERROR);
    expect(receiver.requestsTo('/flaky')).toHaveLength(2);
  });

  it('makes each retry on the same route its own CLIENT span before the fallback answers', async () => {
    const traceId = newTraceId();
    const response = await postChat(platform, JSON.stringify({ model: 'chain-after-500', messages: [{ role: 'user', content: 'retry me' }] }), {
      traceparent: traceparent(traceId),
    });
    expect(response.status).toBe(200);
    await expect.poll(() => named(traceId, 'chat echo').length, { timeout: 5000 }).toBe(1);
    const failures = named(traceId, 'chat echo@status=500');
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.status.code).toBe(STATUS_ERROR);
  });

  it('times the first chunk of a streamed attempt', async () => {
    const traceId = newTraceId();
    const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', stream: true, messages: [{ role: 'user', content: 'stream me' }] }), {
      traceparent: traceparent(traceId),
    });
    expect(response.status).toBe(200);
    await response.text();
    await expect.poll(() => named(traceId, 'chat echo').length, { timeout: 5000 }).toBe(1);
    const [attempt] = named(traceId, 'chat echo');
    expect(attempt?.attributes['gen_ai.request.stream']).toBe(true);
    expect(attempt?.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(attempt?.attributes['gen_ai.response.finish_reasons']).toStrictEqual(['stop']);
  });
});
