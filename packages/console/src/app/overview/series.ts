import type { SeriesInterval, SeriesPoint, UsageSeries } from '../api/types';

export const RANGES = {
  '24h': { label: '24 h', ms: 24 * 3600_000, interval: 'hour' },
  '7d': { label: '7 d', ms: 7 * 24 * 3600_000, interval: 'hour' },
  '30d': { label: '30 d', ms: 30 * 24 * 3600_000, interval: 'day' },
} as const satisfies Record<string, { label: string; ms: number; interval: SeriesInterval }>;

export type RangeName = keyof typeof RANGES;

const STEP_MS: Record<SeriesInterval, number> = { hour: 3600_000, day: 24 * 3600_000 };

/** A bucket's figures summed over groups; latencies weighted by requests. */
export interface Bucket {
  requests: number;
  errors: number;
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

const EMPTY: Bucket = {
  requests: 0,
  errors: 0,
  cacheHits: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  avgLatencyMs: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
};

/** Adds points together. Percentiles of different groups cannot be merged exactly: they are averaged, weighted by requests. */
export function sumPoints(points: SeriesPoint[]): Bucket {
  const total = { ...EMPTY };
  const weighted = { avg: 0, p50: 0, p95: 0, avgN: 0, p50N: 0, p95N: 0 };
  for (const point of points) {
    total.requests += point.requests;
    total.errors += point.errors;
    total.cacheHits += point.cache_hits;
    total.promptTokens += point.prompt_tokens;
    total.completionTokens += point.completion_tokens;
    total.costUsd += point.cost_usd;
    if (point.avg_latency_ms !== null) {
      weighted.avg += point.avg_latency_ms * point.requests;
      weighted.avgN += point.requests;
    }
    if (point.p50_latency_ms !== null) {
      weighted.p50 += point.p50_latency_ms * point.requests;
      weighted.p50N += point.requests;
    }
    if (point.p95_latency_ms !== null) {
      weighted.p95 += point.p95_latency_ms * point.requests;
      weighted.p95N += point.requests;
    }
  }
  total.avgLatencyMs = weighted.avgN > 0 ? weighted.avg / weighted.avgN : null;
  total.p50LatencyMs = weighted.p50N > 0 ? weighted.p50 / weighted.p50N : null;
  total.p95LatencyMs = weighted.p95N > 0 ? weighted.p95 / weighted.p95N : null;
  return total;
}

/** The series as one line over time: every bucket of [from, to), the empty ones as 0, and how many had requests. */
export interface Timeline {
  /** Bucket starts, unix seconds. */
  x: number[];
  buckets: Bucket[];
  /** Buckets with at least one point. */
  filled: number;
}

export function timelineOf(answer: UsageSeries): Timeline {
  const step = STEP_MS[answer.interval];
  const byTime = new Map<number, SeriesPoint[]>();
  for (const group of answer.series) {
    for (const point of group.points) {
      const at = new Date(point.t).getTime();
      byTime.set(at, [...(byTime.get(at) ?? []), point]);
    }
  }
  const from = Math.floor(new Date(answer.from).getTime() / step) * step;
  const to = new Date(answer.to).getTime();
  const times = new Set<number>(byTime.keys());
  for (let at = from; at < to; at += step) times.add(at);
  const x = [...times].sort((a, b) => a - b);
  return { x: x.map((at) => at / 1000), buckets: x.map((at) => sumPoints(byTime.get(at) ?? [])), filled: byTime.size };
}

/** One row per group of a grouped series, its whole range summed; most requests first. */
export function breakdownOf(answer: UsageSeries): { group: string; total: Bucket }[] {
  return answer.series
    .map((entry) => ({ group: entry.group ?? '(none)', total: sumPoints(entry.points) }))
    .sort((a, b) => b.total.requests - a.total.requests || a.group.localeCompare(b.group));
}
