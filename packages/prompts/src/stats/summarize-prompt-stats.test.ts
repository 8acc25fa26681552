import type { PromptVersionTotals } from '@switchyard/database';
import { describe, expect, it } from 'vitest';
import { chooseBaseline, summarizePromptStats } from './summarize-prompt-stats';
import { twoProportionZTest } from './two-proportion-z-test';

const totals = (version: string | null, fields: Partial<PromptVersionTotals>): PromptVersionTotals => ({
  version,
  requests: 0,
  errors: 0,
  latency_p50: null,
  latency_p95: null,
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  cost_usd: 0,
  structured_requests: 0,
  structured_checked: 0,
  structured_valid: 0,
  structured_repaired: 0,
  feedback_count: 0,
  feedback_scored: 0,
  feedback_mean: null,
  feedback_variance: null,
  ...fields,
});

describe('summarizePromptStats', () => {
  it('takes the version with the most requests as the baseline, the lower one on a tie, never the rows without a version', () => {
    expect(
      chooseBaseline([
        { version: 1, requests: 10 },
        { version: 2, requests: 30 },
        { version: null, requests: 99 },
      ]),
    ).toBe(2);
    expect(
      chooseBaseline([
        { version: 3, requests: 10 },
        { version: 2, requests: 10 },
      ]),
    ).toBe(2);
    expect(chooseBaseline([{ version: null, requests: 5 }])).toBeNull();
  });

  it('turns sums into rates and compares each other version with the baseline', () => {
    const summary = summarizePromptStats([
      totals('1', {
        requests: 500,
        errors: 45,
        total_tokens: 1000,
        structured_requests: 400,
        structured_checked: 400,
        structured_valid: 380,
        structured_repaired: 40,
      }),
      totals('2', { requests: 520, errors: 70, total_tokens: 2080, feedback_count: 3, feedback_scored: 2, feedback_mean: 0.5, feedback_variance: 0.5 }),
      totals(null, { requests: 7 }),
    ]);
    expect(summary.baseline).toBe(2);
    expect(summary.versions.map((v) => [v.version, v.error_rate, v.tokens.mean_total])).toStrictEqual([
      [1, 45 / 500, 2],
      [2, 70 / 520, 4],
      [null, 0, 0],
    ]);
    expect(summary.versions[0]?.structured).toStrictEqual({ requests: 400, valid_rate: 380 / 400, repair_rate: 40 / 400 });
    expect(summary.versions[1]?.structured).toStrictEqual({ requests: 0, valid_rate: null, repair_rate: null });
    expect(summary.comparisons).toHaveLength(1);
    const [comparison] = summary.comparisons;
    const expected = twoProportionZTest({ successes: 70, trials: 520 }, { successes: 45, trials: 500 });
    expect(comparison).toMatchObject({
      baseline: 2,
      version: 1,
      error_rate: { difference: expected?.difference, p_value: expected?.p_value, significant: true, test: 'two-proportion z-test' },
      // Version 2 has no checked answers and version 1 no scores: nothing to test.
      structured_valid_rate: { difference: null, p_value: null, significant: false },
      feedback: { difference: null, p_value: null, significant: false, test: "Welch's t-test" },
    });
  });
});
