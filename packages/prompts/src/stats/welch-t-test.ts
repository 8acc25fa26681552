import jStat from 'jstat';
import type { TestResult } from './significance';

/** A sample's summary: what SQL's count, avg and var_samp give. */
export interface SampleSummary {
  count: number;
  mean: number;
  /** The sample variance (n − 1 in the denominator). */
  variance: number;
}

/**
 * Two-sided Welch's t-test (unequal variances), with the Welch–Satterthwaite
 * degrees of freedom: the p-value of R's `t.test(x, y)` and of SciPy's
 * `ttest_ind(x, y, equal_var=False)`. Undefined (null) with fewer than two
 * observations on a side, or when neither side varies.
 */
export function welchTTest(baseline: SampleSummary, candidate: SampleSummary): (TestResult & { degrees_of_freedom: number }) | null {
  if (baseline.count < 2 || candidate.count < 2) return null;
  const baselineShare = baseline.variance / baseline.count;
  const candidateShare = candidate.variance / candidate.count;
  const standardError = Math.sqrt(baselineShare + candidateShare);
  if (!(standardError > 0)) return null;
  const difference = candidate.mean - baseline.mean;
  const statistic = difference / standardError;
  const degreesOfFreedom = (baselineShare + candidateShare) ** 2 / (baselineShare ** 2 / (baseline.count - 1) + candidateShare ** 2 / (candidate.count - 1));
  return {
    difference,
    statistic,
    degrees_of_freedom: degreesOfFreedom,
    p_value: Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(statistic), degreesOfFreedom)),
  };
}
