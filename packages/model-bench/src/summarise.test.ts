import { describe, expect, it } from 'vitest';
import type { Sample } from './run-case';
import { summarise } from './summarise';

const sample = (over: Partial<Sample>): Sample => ({
  model: 'm',
  case: 'c',
  ok: true,
  error: null,
  latencyMs: 100,
  ttftMs: null,
  outputTokens: 10,
  jobId: null,
  costUsd: null,
  passed: 1,
  total: 1,
  ...over,
});

describe('summarise', () => {
  it('reads nearest-rank percentiles of the answered requests only', () => {
    const samples = Array.from({ length: 100 }, (_, i) => sample({ latencyMs: i + 1 }));
    samples.push(sample({ ok: false, latencyMs: 99_999, passed: 0, total: 2, outputTokens: null }));
    const result = summarise('m', samples);
    expect(result.latency_ms).toStrictEqual({ p50: 50, p95: 95, p99: 99 });
    expect(result).toMatchObject({ requests: 101, errors: 1, checks: { passed: 100, total: 102 } });
    expect(result.error_rate).toBeCloseTo(1 / 101);
    expect(result.quality_score).toBeCloseTo(100 / 102);
  });

  it('counts tokens per second after the first token, and cost over the requests with a recorded cost', () => {
    const result = summarise('m', [
      sample({ latencyMs: 1100, ttftMs: 100, outputTokens: 50, costUsd: 0.002 }),
      sample({ latencyMs: 1100, ttftMs: 100, outputTokens: 150, costUsd: 0.004 }),
      sample({ latencyMs: 500, ttftMs: null, outputTokens: null, costUsd: null, total: 0, passed: 0 }),
    ]);
    expect(result.output_tokens_per_s).toBe(100);
    expect(result.cost_per_1k_requests_usd).toBeCloseTo(3);
    expect(result.ttft_ms).toStrictEqual({ p50: 100, p95: 100, p99: 100 });
  });

  it('has no figures to give for a model that answered nothing', () => {
    const result = summarise('m', [sample({ ok: false, passed: 0 })]);
    expect(result).toMatchObject({
      error_rate: 1,
      latency_ms: null,
      ttft_ms: null,
      output_tokens_per_s: null,
      cost_per_1k_requests_usd: null,
      quality_score: 0,
    });
  });
});
