import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';

/** Where this process's metrics go besides its `/metrics`: nowhere until an OTLP endpoint (or an exporter, in tests) is given. */
interface MetricExport {
  exporter: () => PushMetricExporter;
  intervalMs: number;
}

let metricExport: MetricExport | undefined;
let service = 'switchyard';

const DEFAULT_EXPORT_INTERVAL_MS = 60_000;

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/**
 * Reads the OTLP metrics settings once, at start: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT turns export on (OTEL_METRICS_EXPORTER=none keeps it off),
 * OTEL_EXPORTER_OTLP_(METRICS_)PROTOCOL picks http/json over the default http/protobuf,
 * OTEL_METRIC_EXPORT_INTERVAL sets the period. The exporters read the endpoint and headers themselves.
 */
export function configureMetricExport(serviceName: string, env: NodeJS.ProcessEnv, exporter?: PushMetricExporter): void {
  service = serviceName;
  const intervalMs = positiveInteger(env.OTEL_METRIC_EXPORT_INTERVAL, DEFAULT_EXPORT_INTERVAL_MS);
  if (exporter !== undefined) {
    metricExport = { exporter: () => exporter, intervalMs };
    return;
  }
  const url = otlpMetricsUrl(env);
  const off = (env.OTEL_METRICS_EXPORTER ?? '').split(',').some((name) => name.trim() === 'none');
  if (url === undefined || off) {
    metricExport = undefined;
    return;
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  metricExport = {
    // Each exporter is loaded only when export is on: together they are some 230 modules and 15 MB that most processes never use.
    exporter: () =>
      protocol === 'http/json'
        ? new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter({ url })
        : new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter({
            url,
          }),
    intervalMs,
  };
}

/** The signal-specific endpoint as given, or the general one with `/v1/metrics` appended (the OTLP exporter rules). */
function otlpMetricsUrl(env: NodeJS.ProcessEnv): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() ?? '';
  if (specific !== '') return specific;
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ?? '';
  return general === '' ? undefined : `${general.replace(/\/+$/, '')}/v1/metrics`;
}

export function clearMetricExport(): void {
  metricExport = undefined;
}

/** The `service.name` initTelemetry was given, for the metrics' resource. */
export function metricServiceName(): string {
  return service;
}

/** A fresh reader for each meter provider (a reader serves one provider only); none while export is off. */
export function exportReaders(): MetricReader[] {
  if (metricExport === undefined) return [];
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  return [new PeriodicExportingMetricReader({ exporter: metricExport.exporter(), exportIntervalMillis: metricExport.intervalMs })];
}
