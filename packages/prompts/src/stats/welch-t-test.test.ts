import { describe, expect, it } from 'vitest';
import { welchTTest } from './welch-t-test';

const summary = (sample: number[]) => {
  const mean = sample.reduce((sum, x) => sum + x, 0) / sample.length;
  return { count: sample.length, mean, variance: sample.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (sample.length - 1) };
};

// Reference values from SciPy 1.17: `ttest_ind(candidate, baseline, equal_var=False)`
// and `ttest_ind_from_stats(..., equal_var=False)`; R's t.test(candidate, baseline) agrees.
describe('welchTTest', () => {
  it('matches SciPy on two small samples of scores', () => {
    const baseline = [1, 0.5, 1, -1, 1, 0.5, 0, 1];
    const candidate = [0, -0.5, 1, -1, 0, 0.5, -1, 0, -0.5, 0];
    const result = welchTTest(summary(baseline), summary(candidate));
    expect(result?.statistic).toBeCloseTo(-2.0385626566083355, 10);
    expect(result?.degrees_of_freedom).toBeCloseTo(14.188536496792157, 8);
    expect(result?.p_value).toBeCloseTo(0.060580089765411474, 8);
    expect(result?.difference).toBeCloseTo(-0.65, 12);
  });

  it.each([
    [
      { count: 180, mean: 0.55, variance: 0.35 ** 2 },
      { count: 200, mean: 0.62, variance: 0.3 ** 2 },
      2.081862707805759,
      354.54586105302576,
      0.03807183238863131,
    ],
    [{ count: 12, mean: 3.1, variance: 1.2 ** 2 }, { count: 9, mean: 4.0, variance: 0.4 ** 2 }, 2.424671577361461, 14.075898801597871, 0.029359487490484018],
  ])('matches SciPy from summaries: %o against %o', (baseline, candidate, t, df, p) => {
    const result = welchTTest(baseline, candidate);
    expect(result?.statistic).toBeCloseTo(t, 10);
    expect(result?.degrees_of_freedom).toBeCloseTo(df, 8);
    expect(result?.p_value).toBeCloseTo(p, 8);
  });

  it('is undefined with fewer than two scores on a side or no variation on either', () => {
    expect(welchTTest({ count: 1, mean: 1, variance: 0 }, { count: 10, mean: 0.2, variance: 0.5 })).toBeNull();
    expect(welchTTest({ count: 5, mean: 1, variance: 0 }, { count: 5, mean: 0, variance: 0 })).toBeNull();
  });
});
