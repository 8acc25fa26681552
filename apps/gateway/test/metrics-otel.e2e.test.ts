import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics } from '@opentelemetry/sdk-node';
import { flushMetrics, initTelemetry, shutdownTelemetry } from '@switchyard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';

type HistogramPoint = metrics.DataPoint<metrics.Histogram>;

/** The buckets the GenAI semantic conventions advise. */
const GEN_AI_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GEN_AI_TOKENS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

describe('the worker exports its metrics with OpenTelemetry: the GenAI client metrics after a real request', () => {
  const exporter = new metrics.InMemoryMetricExporter(metrics.AggregationTemporality.CUMULATIVE);
  let platform: Platform;

  beforeAll(async () => {
    initTelemetry('switchyard-test', {}, { metricExporter: exporter });
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
    await shutdownTelemetry();
  });

  /** The last export's metric named `name`. */
  const exported = (name: string) =>
    exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === name);
  const points = (name: string, attributes: Record<string, string | number>) =>
    ((exported(name)?.dataPoints ?? []) as HistogramPoint[]).filter((point) =>
      Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
    );

  it('records gen_ai.client.operation.duration and gen_ai.client.token.usage for each provider call, with the conventions’ attributes and buckets', async () => {
    const completion = await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'measure me' }] });
    const usage = completion.usage;
    expect(usage).toBeDefined();
    const host = new URL(platform.mock.url);
    const call = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'switchyard.provider': 'mock',
      'gen_ai.request.model': 'echo',
      'server.address': host.hostname,
      'server.port': Number(host.port),
    };
    await expect
      .poll(
        async () => {
          await flushMetrics();
          return points('gen_ai.client.operation.duration', call).reduce((sum, point) => sum + point.value.count, 0);
        },
        { timeout: 5000 },
      )
      .toBeGreaterThanOrEqual(1);

    const duration = exported('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const [durationPoint] = points('gen_ai.client.operation.duration', call);
    expect(durationPoint?.value.buckets.boundaries).toStrictEqual(GEN_AI_SECONDS);
    expect(durationPoint?.attributes['error.type']).toBeUndefined();
    expect(durationPoint?.value.sum).toBeGreaterThan(0);

    const tokens = exported('gen_ai.client.token.usage');
    expect(tokens?.descriptor.unit).toBe('{token}');
    const [input] = points('gen_ai.client.token.usage', { ...call, 'gen_ai.token.type': 'input' });
    const [output] = points('gen_ai.client.token.usage', { ...call, 'gen_ai.token.type': 'output' });
    expect(input?.value.buckets.boundaries).toStrictEqual(GEN_AI_TOKENS);
    expect(input?.value.count).toBeGreaterThanOrEqual(1);
    expect(input?.value.sum).toBeGreaterThanOrEqual(usage?.prompt_tokens ?? 1);
    expect(output?.value.sum).toBeGreaterThanOrEqual(usage?.completion_tokens ?? 1);

    // Switchyard's own, in the same export: the job's wait in its queue and the calls the request took.
    await expect
      .poll(
        async () => {
          await flushMetrics();
          return points('switchyard.worker.queue_wait', { provider: 'mock' }).length;
        },
        { timeout: 5000 },
      )
      .toBe(1);
    expect(points('switchyard.worker.request_attempts', { provider: 'mock', status: 'succeeded' })[0]?.value.count).toBeGreaterThanOrEqual(1);
    expect(exporter.getMetrics().at(-1)?.resource.attributes['service.name']).toBe('switchyard-test');
  });

  it('records a failed call with its error.type', async () => {
    await expect(platform.client.chat.completions.create({ model: 'fails-500', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 502,
    });
    await expect
      .poll(
        async () => {
          await flushMetrics();
          return points('gen_ai.client.operation.duration', { 'switchyard.provider': 'mock', 'error.type': 'upstream_error' }).length;
        },
        { timeout: 5000 },
      )
      .toBe(1);
  });
});

describe('OTLP: with OTEL_EXPORTER_OTLP_METRICS_ENDPOINT set, the worker sends its metrics there', () => {
  const bodies: string[] = [];
  let collector: Server;
  let platform: Platform;

  beforeAll(async () => {
    // A stand-in OTLP/HTTP collector: it keeps every metrics request's JSON body.
    collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        if (request.url === '/v1/metrics') bodies.push(body);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    initTelemetry('switchyard-otlp-test', {
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${port}/v1/metrics`,
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '200',
    });
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
    await shutdownTelemetry();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('exports gen_ai.client.operation.duration over OTLP/HTTP after a request, without any flush', async () => {
    await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'send me on' }] });
    await expect.poll(() => bodies.some((body) => body.includes('"gen_ai.client.operation.duration"')), { timeout: 5000 }).toBe(true);
    const body = bodies.find((text) => text.includes('"gen_ai.client.operation.duration"')) ?? '';
    expect(body).toContain('"switchyard-otlp-test"');
    expect(body).toContain('"gen_ai.client.token.usage"');
  });
});
