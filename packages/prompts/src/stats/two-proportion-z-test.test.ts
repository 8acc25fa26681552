import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from './two-proportion-z-test';

// Reference values: the pooled z and 2·P(Z > |z|) from SciPy 1.17
// (`scipy.stats.norm.sf`), equal to R's prop.test(x, n, correct = FALSE).
describe('twoProportionZTest', () => {
  it.each([
    [{ successes: 45, trials: 500 }, { successes: 70, trials: 520 }, 2.2521545576442907, 0.02431250657475961],
    [{ successes: 10, trials: 100 }, { successes: 12, trials: 100 }, 0.45198461470556844, 0.6512800661041753],
    [{ successes: 3, trials: 1000 }, { successes: 40, trials: 1000 }, 5.704099351759448, 1.1695984672960261e-8],
  ])('%o against %o: z = %f, p = %f', (baseline, candidate, z, p) => {
    const result = twoProportionZTest(baseline, candidate);
    expect(result?.statistic).toBeCloseTo(z, 10);
    expect(result?.p_value).toBeCloseTo(p, 7);
    expect((result?.p_value ?? 0) / p).toBeCloseTo(1, 4);
    expect(result?.difference).toBeCloseTo(candidate.successes / candidate.trials - baseline.successes / baseline.trials, 12);
  });

  it('is symmetric: swapping the sides flips the sign, not the p-value', () => {
    const forward = twoProportionZTest({ successes: 45, trials: 500 }, { successes: 70, trials: 520 });
    const backward = twoProportionZTest({ successes: 70, trials: 520 }, { successes: 45, trials: 500 });
    expect(backward?.statistic).toBeCloseTo(-(forward?.statistic ?? 0), 12);
    expect(backward?.p_value).toBeCloseTo(forward?.p_value ?? 0, 12);
  });

  it('finds nothing between equal rates', () => {
    expect(twoProportionZTest({ successes: 5, trials: 50 }, { successes: 10, trials: 100 })).toMatchObject({ difference: 0, p_value: 1 });
  });

  it('is undefined without trials on a side or without any variation', () => {
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toBeNull();
    expect(twoProportionZTest({ successes: 0, trials: 40 }, { successes: 0, trials: 30 })).toBeNull();
    expect(twoProportionZTest({ successes: 40, trials: 40 }, { successes: 30, trials: 30 })).toBeNull();
  });
});
