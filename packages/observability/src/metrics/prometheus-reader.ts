import type { MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** The unit suffixes of the OTLP → Prometheus translation this process's units need. */
const UNIT_SUFFIXES: Readonly<Record<string, string>> = { s: '_seconds', USD: '_usd', By: '_bytes' };

/**
 * The name a metric has in Prometheus: dots to underscores and the unit's suffix appended
 * (`gen_ai.client.operation.duration` in s → `gen_ai_client_operation_duration_seconds`),
 * as the OpenTelemetry → Prometheus compatibility rules spell it. A counter's `_total`
 * is added by the serializer.
 */
export function prometheusName(name: string, unit: string): string {
  const base = name.replaceAll('.', '_');
  const suffix = UNIT_SUFFIXES[unit] ?? '';
  return base.endsWith(suffix) ? base : base + suffix;
}

function withPrometheusNames(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => ({
        ...metric,
        descriptor: { ...metric.descriptor, name: prometheusName(metric.descriptor.name, metric.descriptor.unit) },
      })),
    })),
  };
}

/** Reads a meter provider's metrics in the Prometheus text format when `/metrics` is scraped. */
export interface PrometheusReader extends MetricReader {
  text(): Promise<string>;
}

let readerClass: (new () => PrometheusReader) | undefined;

/**
 * A reader without scope labels or `target_info`: the series look as if prom-client had
 * made them, so dashboards see one set of names whichever way a metric is exported.
 * The metrics SDK it extends is loaded with the first one, not at import: a process
 * that makes no meters (the webhook dispatcher) never loads it.
 */
export function newPrometheusReader(): PrometheusReader {
  readerClass ??= definePrometheusReader();
  return new readerClass();
}

function definePrometheusReader(): new () => PrometheusReader {
  const { MetricReader } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  const { PrometheusSerializer } = require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
  return class extends MetricReader implements PrometheusReader {
    private readonly serializer = new PrometheusSerializer('', false, undefined, true, true);

    async text(): Promise<string> {
      const { resourceMetrics } = await this.collect();
      return this.serializer.serialize(withPrometheusNames(resourceMetrics));
    }

    protected override async onForceFlush(): Promise<void> {}

    protected override async onShutdown(): Promise<void> {}
  };
}
