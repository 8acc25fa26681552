import jStat from 'jstat';
import type { TestResult } from './significance';

/** Successes out of trials (errors out of requests, valid answers out of checked ones). */
export interface Proportion {
  successes: number;
  trials: number;
}

/**
 * Two-sided two-proportion z-test with the pooled proportion under the null
 * hypothesis, without continuity correction: the same p-value as R's
 * `prop.test(x, n, correct = FALSE)`. Its normal approximation wants a few
 * successes and failures on each side; with fewer the p-value is rough.
 * Undefined (null) when a side has no trials or every trial of both sides
 * went the same way: there is no variance to measure a difference against.
 */
export function twoProportionZTest(baseline: Proportion, candidate: Proportion): TestResult | null {
  if (baseline.trials <= 0 || candidate.trials <= 0) return null;
  const pooled = (baseline.successes + candidate.successes) / (baseline.trials + candidate.trials);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / baseline.trials + 1 / candidate.trials));
  if (!(standardError > 0)) return null;
  const difference = candidate.successes / candidate.trials - baseline.successes / baseline.trials;
  const statistic = difference / standardError;
  return { difference, statistic, p_value: Math.min(1, 2 * jStat.normal.cdf(-Math.abs(statistic), 0, 1)) };
}
