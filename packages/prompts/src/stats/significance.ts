/** What a two-sided test says about a difference between a baseline and a candidate. */
export interface TestResult {
  /** candidate − baseline. */
  difference: number;
  /** The test statistic: z or t, signed like `difference`. */
  statistic: number;
  p_value: number;
}

/** The significance level the stats endpoint applies: p below it is called significant. */
export const SIGNIFICANCE_LEVEL = 0.05;
