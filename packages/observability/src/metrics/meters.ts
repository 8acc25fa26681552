import type { Meter } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { exportReaders, metricServiceName } from './metric-export';
import { newPrometheusReader } from './prometheus-reader';

/** A component's metrics: defined once on `meter`, scraped on `/metrics` and, when configured, exported over OTLP. */
export interface Meters {
  readonly meter: Meter;
  /** The metrics in the Prometheus text format, for `/metrics`. */
  prometheusText(): Promise<string>;
  /** Sends what is recorded to the OTLP exporter now (tests, and before a process exits). */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const live = new Set<MeterProvider>();

/**
 * A meter provider of its own for one component (a worker's metrics, each with its own
 * `/metrics`), read by a Prometheus reader and by the OTLP reader when export is on.
 */
export function createMeters(scope: string): Meters {
  // The metrics SDK loads with the first component's meters, not at import (see newPrometheusReader).
  const { detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  const prometheus = newPrometheusReader();
  const resource = detectResources({ detectors: [envDetector] }).merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: metricServiceName() }));
  const provider = new MeterProvider({ resource, readers: [prometheus, ...exportReaders()] });
  live.add(provider);
  return {
    meter: provider.getMeter(scope),
    prometheusText: () => prometheus.text(),
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      live.delete(provider);
      await provider.shutdown();
    },
  };
}

/** Exports every live component's metrics now; tests call it instead of waiting for the export period. */
export async function flushMetrics(): Promise<void> {
  await Promise.all([...live].map((provider) => provider.forceFlush()));
}
