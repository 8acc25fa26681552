import { describe, expect, it } from 'vitest';
import type { SeriesPoint, UsageSeries } from '../api/types';
import { breakdownOf, sumPoints, timelineOf } from './series';

function point(t: string, requests: number, extra: Partial<SeriesPoint> = {}): SeriesPoint {
  return {
    t,
    requests,
    errors: 0,
    cache_hits: 0,
    prompt_tokens: 10 * requests,
    completion_tokens: 5 * requests,
    cost_usd: 0.01 * requests,
    avg_latency_ms: 100,
    p50_latency_ms: 100,
    p95_latency_ms: 200,
    ...extra,
  };
}

const answer = (series: UsageSeries['series']): UsageSeries => ({
  object: 'usage.series',
  interval: 'hour',
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-01T04:00:00.000Z',
  group_by: 'model',
  series,
});

describe('usage series for the overview', () => {
  it('draws every bucket of the range, the empty ones as zero, and counts the buckets that had requests', () => {
    const timeline = timelineOf(
      answer([
        { group: 'a', points: [point('2026-03-01T01:00:00.000Z', 2), point('2026-03-01T03:00:00.000Z', 1)] },
        { group: 'b', points: [point('2026-03-01T01:00:00.000Z', 3)] },
      ]),
    );
    expect(timeline.x).toStrictEqual([0, 1, 2, 3].map((hour) => Date.UTC(2026, 2, 1, hour) / 1000));
    expect(timeline.buckets.map((bucket) => bucket.requests)).toStrictEqual([0, 5, 0, 1]);
    expect(timeline.buckets[0]?.p95LatencyMs).toBeNull();
    expect(timeline.filled).toBe(2);
  });

  it('weights latency percentiles of different groups by their requests', () => {
    const total = sumPoints([point('t', 1, { p50_latency_ms: 100 }), point('t', 3, { p50_latency_ms: 300 })]);
    expect(total.p50LatencyMs).toBe(250);
    expect(total.requests).toBe(4);
    expect(total.promptTokens).toBe(40);
  });

  it('sums each group over the range, most requests first', () => {
    const rows = breakdownOf(
      answer([
        { group: 'small', points: [point('2026-03-01T01:00:00.000Z', 1)] },
        { group: 'big', points: [point('2026-03-01T01:00:00.000Z', 2), point('2026-03-01T02:00:00.000Z', 2)] },
        { group: null, points: [point('2026-03-01T02:00:00.000Z', 1, { errors: 1 })] },
      ]),
    );
    expect(rows.map((row) => [row.group, row.total.requests, row.total.errors])).toStrictEqual([
      ['big', 4, 0],
      ['(none)', 1, 1],
      ['small', 1, 0],
    ]);
  });
});
