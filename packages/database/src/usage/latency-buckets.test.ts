import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBucket, latencyBucketBounds } from './latency-buckets';
import { histogramQuantile, sumHistograms } from './usage-series-queries';

describe(latencyBucket.name, () => {
  it.each([
    [0, 0],
    [-5, 0],
    [0.5, 0],
    [1, 1],
    [2, 5],
    [4, 9],
    [100, 27],
    [1000, 40],
    [10_000_000, LATENCY_BUCKETS - 1],
  ])('puts %d ms in bucket %d', (ms, bucket) => {
    expect(latencyBucket(ms)).toBe(bucket);
  });

  it('keeps every latency within its bucket, each bucket at most 19 % wide', () => {
    for (let ms = 1; ms < 800_000; ms = Math.ceil(ms * 1.07)) {
      const { lower, upper } = latencyBucketBounds(latencyBucket(ms));
      expect(ms).toBeGreaterThanOrEqual(lower);
      if (latencyBucket(ms) < LATENCY_BUCKETS - 1) {
        expect(ms).toBeLessThan(upper);
        expect(upper / lower).toBeLessThanOrEqual(2 ** 0.25 + 1e-9);
      }
    }
  });
});

describe(histogramQuantile.name, () => {
  it('interpolates within the bucket that holds the rank', () => {
    const counts = new Array(LATENCY_BUCKETS).fill(0);
    counts[latencyBucket(100)] = 50;
    counts[latencyBucket(1000)] = 50;
    const p50 = histogramQuantile(counts, 0.5) as number;
    const p95 = histogramQuantile(counts, 0.95) as number;
    expect(p50).toBeGreaterThanOrEqual(latencyBucketBounds(latencyBucket(100)).lower);
    expect(p50).toBeLessThanOrEqual(latencyBucketBounds(latencyBucket(100)).upper);
    expect(p95).toBeGreaterThanOrEqual(latencyBucketBounds(latencyBucket(1000)).lower);
    expect(p95).toBeLessThanOrEqual(latencyBucketBounds(latencyBucket(1000)).upper);
  });

  it('has nothing to say about an empty histogram', () => {
    expect(histogramQuantile(new Array(LATENCY_BUCKETS).fill(0), 0.5)).toBeNull();
  });
});

describe(sumHistograms.name, () => {
  it("sums PostgreSQL's text of several histograms bucket by bucket, a negative count included", () => {
    const counts = sumHistograms('{{1,0,3,12},{0,2,-1,100}}');
    expect(counts.slice(0, 5)).toStrictEqual([1, 2, 2, 112, 0]);
    expect(counts).toHaveLength(LATENCY_BUCKETS);
    expect(sumHistograms('{{5}}')[0]).toBe(5);
  });
});
