import type { PromptVersionComparison, PromptVersionStats } from '@switchyard/contracts';
import type { PromptVersionTotals } from '@switchyard/database';
import { SIGNIFICANCE_LEVEL, type TestResult } from './significance';
import { twoProportionZTest } from './two-proportion-z-test';
import { welchTTest } from './welch-t-test';

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** `prompt_version` holds the version number as text; anything else reads as no version. */
function versionNumber(text: string | null): number | null {
  return text !== null && /^[0-9]+$/.test(text) ? Number(text) : null;
}

export function versionStats(totals: PromptVersionTotals): PromptVersionStats {
  return {
    version: versionNumber(totals.version),
    requests: totals.requests,
    errors: totals.errors,
    error_rate: share(totals.errors, totals.requests) ?? 0,
    latency_ms: { p50: totals.latency_p50, p95: totals.latency_p95 },
    tokens: {
      prompt: totals.prompt_tokens,
      completion: totals.completion_tokens,
      total: totals.total_tokens,
      mean_total: share(totals.total_tokens, totals.requests) ?? 0,
    },
    cost_usd: totals.cost_usd,
    structured: {
      requests: totals.structured_requests,
      valid_rate: share(totals.structured_valid, totals.structured_checked),
      repair_rate: share(totals.structured_repaired, totals.structured_requests),
    },
    feedback: { count: totals.feedback_count, scored: totals.feedback_scored, mean_score: totals.feedback_mean },
  };
}

/** The version the others are compared with: the most requests, the lower version on a tie. */
export function chooseBaseline(versions: readonly { version: number | null; requests: number }[]): number | null {
  let baseline: { version: number; requests: number } | null = null;
  for (const { version, requests } of versions) {
    if (version === null) continue;
    if (baseline === null || requests > baseline.requests || (requests === baseline.requests && version < baseline.version)) baseline = { version, requests };
  }
  return baseline?.version ?? null;
}

function verdict<Test extends string>(result: TestResult | null, difference: number | null, test: Test) {
  return {
    difference: result?.difference ?? difference,
    p_value: result?.p_value ?? null,
    significant: result !== null && result.p_value < SIGNIFICANCE_LEVEL,
    test,
  };
}

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

function compare(baseline: PromptVersionTotals, candidate: PromptVersionTotals, baselineVersion: number, version: number): PromptVersionComparison {
  const errors = (totals: PromptVersionTotals) => ({ successes: totals.errors, trials: totals.requests });
  const valid = (totals: PromptVersionTotals) => ({ successes: totals.structured_valid, trials: totals.structured_checked });
  const scores = (totals: PromptVersionTotals) => ({ count: totals.feedback_scored, mean: totals.feedback_mean ?? 0, variance: totals.feedback_variance ?? 0 });
  const before = versionStats(baseline);
  const after = versionStats(candidate);
  return {
    baseline: baselineVersion,
    version,
    error_rate: verdict(twoProportionZTest(errors(baseline), errors(candidate)), after.error_rate - before.error_rate, 'two-proportion z-test'),
    structured_valid_rate: verdict(
      twoProportionZTest(valid(baseline), valid(candidate)),
      minus(after.structured.valid_rate, before.structured.valid_rate),
      'two-proportion z-test',
    ),
    feedback: verdict(welchTTest(scores(baseline), scores(candidate)), minus(after.feedback.mean_score, before.feedback.mean_score), "Welch's t-test"),
  };
}

/**
 * A prompt's versions side by side, and each version against the baseline:
 * error rate and schema-valid rate by a two-proportion z-test, mean feedback
 * score by Welch's t-test, each two-sided at `SIGNIFICANCE_LEVEL`. Requests
 * without a version are shown but compared with nothing.
 */
export function summarizePromptStats(totals: readonly PromptVersionTotals[]) {
  const versions = totals.map(versionStats);
  const baseline = chooseBaseline(versions);
  const byVersion = new Map(totals.map((row) => [versionNumber(row.version), row]));
  const baselineTotals = baseline === null ? undefined : byVersion.get(baseline);
  const comparisons: PromptVersionComparison[] = [];
  for (const [version, row] of byVersion) {
    if (version === null || version === baseline || baselineTotals === undefined || baseline === null) continue;
    comparisons.push(compare(baselineTotals, row, baseline, version));
  }
  return { significance_level: SIGNIFICANCE_LEVEL, versions, baseline, comparisons };
}
