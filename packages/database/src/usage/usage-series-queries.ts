import type { UsageSeries, UsageSeriesGroup, UsageSeriesInterval, UsageSeriesPoint } from '@switchyard/contracts';
import type { DataSource } from 'typeorm';
import { LATENCY_BUCKETS, latencyBucketBounds } from './latency-buckets';
import type { TenantScope } from './usage-queries';

/** What `usage_rollups` can group a series by (its `dimension`, besides 'all'), and what a series holds: the API's own shapes. */
export type SeriesGroup = UsageSeriesGroup;
export type SeriesInterval = UsageSeriesInterval;
export type SeriesPoint = UsageSeriesPoint;
/** The group's value (null: requests without one, or no grouping); "other" sums the groups past the first `maxGroups`. */
export type Series = UsageSeries['series'][number];

export interface SeriesQuery {
  from: Date;
  to: Date;
  interval: SeriesInterval;
  groupBy: SeriesGroup | null;
  /** Groups shown on their own, by requests; the rest are summed into "other". */
  maxGroups: number;
}

export const OTHER_GROUP = 'other';

/**
 * The hour rows' latency histograms, as PostgreSQL's text of a 2-D array
 * (`{{…},{…}}`), summed here: for a chart's thousands of points that is
 * cheaper than PostgreSQL summing 80 buckets one aggregate each, or the
 * driver parsing arrays.
 */
const HISTOGRAMS = 'array_agg(p.latency_buckets)::text';

/**
 * Usage over time from `usage_rollups` (never `llm_requests`): the hours in
 * [the hour of `from`, `to`), summed by hour or UTC day and by group. Groups
 * past `maxGroups` (by requests over the whole range) are summed into one.
 */
function seriesSql(scope: string, interval: SeriesInterval): string {
  const rows = `usage_rollups WHERE ${scope} AND dimension = $1 AND hour >= date_trunc('hour', $2::timestamptz, 'UTC') AND hour < $3 AND requests <> 0`;
  // By hour, the column itself: rows come off the index in hour order, so PostgreSQL sorts each hour's few rows, never all of them.
  const t = interval === 'hour' ? 'p.hour' : "date_trunc('day', p.hour, 'UTC')";
  // The first $4 groups by requests over the range, read without their histograms; every other group shares the place after them.
  // Rows come grouped by time; the caller orders them.
  return `
  WITH top AS MATERIALIZED (
    SELECT coalesce(array_agg(value ORDER BY requests DESC, value), '{}') AS groups
      FROM (SELECT value, sum(requests) AS requests FROM ${rows} GROUP BY value ORDER BY 2 DESC, value LIMIT $4) AS best
  )
  SELECT coalesce(array_position(top.groups, p.value), $4 + 1)::int AS rank, min(p.value) AS value,
         to_char(${t} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS t,
         sum(p.requests)::float8 AS requests, sum(p.errors)::float8 AS errors, sum(p.cache_hits)::float8 AS cache_hits,
         sum(p.prompt_tokens)::float8 AS prompt_tokens, sum(p.completion_tokens)::float8 AS completion_tokens, sum(p.cost_usd)::float8 AS cost_usd,
         sum(p.latency_sum_ms)::float8 AS latency_sum_ms, ${HISTOGRAMS} AS histogram
    FROM top, ${rows.replace('usage_rollups WHERE', 'usage_rollups p WHERE')}
   GROUP BY ${t}, 1
  HAVING sum(p.requests) > 0`;
}

/** The latency at quantile `q` of a histogram (counts by bucket), interpolated within its bucket; null when it is empty. */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + Math.max(0, n), 0);
  if (total <= 0) return null;
  const rank = q * total;
  let running = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const n = Math.max(0, counts[bucket] ?? 0);
    if (n === 0) continue;
    if (running + n >= rank) {
      const { lower, upper } = latencyBucketBounds(bucket);
      return lower + (upper - lower) * Math.min(1, Math.max(0, (rank - running) / n));
    }
    running += n;
  }
  return null;
}

/** `{{1,0,3},{0,2,0}}` → [1, 2, 3]: histograms summed bucket by bucket, read by hand (several times faster than split and Number). */
export function sumHistograms(text: string): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  let bucket = 0;
  let value = 0;
  let negative = false;
  let digits = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      digits = true;
    } else if (code === 45) negative = true;
    else {
      if (digits) counts[bucket] = (counts[bucket] ?? 0) + (negative ? -value : value);
      if (code === 44 && digits) bucket++;
      else if (code === 123) bucket = 0;
      value = 0;
      negative = false;
      digits = false;
    }
  }
  return counts;
}

const rounded = (ms: number | null) => (ms === null ? null : Math.round(ms));

interface SeriesRow {
  rank: number;
  value: string;
  t: string;
  requests: number;
  errors: number;
  cache_hits: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  latency_sum_ms: number;
  /** `{{1,0,3,…},…}`: the hour rows' histograms, summed by `sumHistograms`. */
  histogram: string;
}

/** Reads of `usage_rollups`; scoped to one tenant unless the admin API asks for all. */
export class UsageSeriesQueries {
  constructor(private readonly dataSource: DataSource) {}

  async series(scope: TenantScope, query: SeriesQuery): Promise<Series[]> {
    const values: unknown[] = [query.groupBy ?? 'all', query.from, query.to, query.maxGroups];
    if (typeof scope === 'string') values.push(scope);
    const sql = seriesSql(typeof scope === 'string' ? 'tenant = $5' : 'TRUE', query.interval);
    const rows = (await this.dataSource.query(sql, values)) as SeriesRow[];
    rows.sort((a, b) => a.rank - b.rank || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    const series = new Map<number, Series>();
    for (const row of rows) {
      let entry = series.get(row.rank);
      if (entry === undefined) {
        const group = query.groupBy === null ? null : row.rank > query.maxGroups ? OTHER_GROUP : row.value === '' ? null : row.value;
        entry = { group, points: [] };
        series.set(row.rank, entry);
      }
      const counts = sumHistograms(row.histogram);
      entry.points.push({
        t: row.t,
        requests: row.requests,
        errors: row.errors,
        cache_hits: row.cache_hits,
        prompt_tokens: row.prompt_tokens,
        completion_tokens: row.completion_tokens,
        cost_usd: row.cost_usd,
        avg_latency_ms: row.requests > 0 ? Math.round(row.latency_sum_ms / row.requests) : null,
        p50_latency_ms: rounded(histogramQuantile(counts, 0.5)),
        p95_latency_ms: rounded(histogramQuantile(counts, 0.95)),
      });
    }
    // Ranks follow requests over the whole range; "other" comes last, whatever it sums to.
    const result = [...series.values()];
    if (query.groupBy === null && result.length === 0) return [{ group: null, points: [] }];
    return result;
  }
}
