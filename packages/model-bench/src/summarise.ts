import type { Sample } from './run-case';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** One model's figures over every request of the run. */
export interface ModelResult {
  model: string;
  requests: number;
  errors: number;
  error_rate: number;
  latency_ms: Percentiles | null;
  /** Over the streamed requests only; null when none streamed. */
  ttft_ms: Percentiles | null;
  /** Output tokens over the seconds the answered requests took. */
  output_tokens_per_s: number | null;
  /** Mean recorded cost of a request, times 1,000; null when the gateway knows no cost for the model. */
  cost_per_1k_requests_usd: number | null;
  /** Share of checks passed; a failed request fails all its checks. */
  quality_score: number | null;
  checks: { passed: number; total: number };
}

/** Nearest-rank percentile of sorted values. */
function at(sorted: number[], p: number): number {
  const index = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[index] as number) * 10) / 10;
}

function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: at(sorted, 50), p95: at(sorted, 95), p99: at(sorted, 99) };
}

export function summarise(model: string, samples: Sample[]): ModelResult {
  const answered = samples.filter((s) => s.ok);
  const tokens = answered.filter((s) => s.outputTokens !== null);
  const tokenSeconds = tokens.reduce((sum, s) => sum + (s.latencyMs - (s.ttftMs ?? 0)) / 1000, 0);
  const costs = samples.map((s) => s.costUsd).filter((c): c is number => c !== null);
  const passed = samples.reduce((sum, s) => sum + s.passed, 0);
  const total = samples.reduce((sum, s) => sum + s.total, 0);
  const errors = samples.length - answered.length;
  return {
    model,
    requests: samples.length,
    errors,
    error_rate: samples.length === 0 ? 0 : errors / samples.length,
    latency_ms: percentiles(answered.map((s) => s.latencyMs)),
    ttft_ms: percentiles(answered.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs]))),
    output_tokens_per_s: tokenSeconds > 0 ? Math.round((tokens.reduce((sum, s) => sum + (s.outputTokens ?? 0), 0) / tokenSeconds) * 10) / 10 : null,
    cost_per_1k_requests_usd: costs.length === 0 ? null : (costs.reduce((a, b) => a + b, 0) / costs.length) * 1000,
    quality_score: total === 0 ? null : passed / total,
    checks: { passed, total },
  };
}
