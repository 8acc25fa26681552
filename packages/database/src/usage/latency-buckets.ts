/**
 * The fixed log-scale latency histogram of `usage_rollups`: four buckets per
 * doubling, so a percentile read from summed buckets is within 19 % of the
 * true one. Bucket 0 holds latencies under 1 ms; bucket k ≥ 1 holds
 * [2^((k-1)/4), 2^(k/4)) ms; the last one is open-ended (from ~741 s).
 * The migration's `usage_latency_bucket` SQL function is the same rule.
 */
export const LATENCY_BUCKETS = 80;
export const BUCKETS_PER_DOUBLING = 4;

const LAST = LATENCY_BUCKETS - 1;
// Keeps exact powers of two (2 ms, 4 ms, …) in the bucket they start, whatever the floating-point rounding of log2.
const EPSILON = 1e-9;

/** The bucket a latency falls in. */
export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(LAST, 1 + Math.floor(BUCKETS_PER_DOUBLING * Math.log2(ms) + EPSILON));
}

/** [lower, upper) of a bucket in milliseconds; the last bucket's upper bound is its lower one (nothing to interpolate towards). */
export function latencyBucketBounds(bucket: number): { lower: number; upper: number } {
  const lower = bucket <= 0 ? 0 : 2 ** ((bucket - 1) / BUCKETS_PER_DOUBLING);
  return { lower, upper: bucket >= LAST ? lower : 2 ** (bucket / BUCKETS_PER_DOUBLING) };
}

/** SQL of the bucket rule, for the migration's function and nothing else. */
export const LATENCY_BUCKET_SQL = `CASE WHEN ms IS NULL OR ms < 1 THEN 0 ELSE least(${LAST}, 1 + floor(${BUCKETS_PER_DOUBLING} * ln(ms::float8) / ln(2) + ${EPSILON})::int) END`;
