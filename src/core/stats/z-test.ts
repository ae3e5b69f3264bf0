/*
 * Two-proportion Z-test (pooled), two-sided:
 *
 *   p̂_i = x_i / n_i,  p̂ = (x_1 + x_2)/(n_1 + n_2),
 *   z = (p̂_1 − p̂_2) / √(p̂(1 − p̂)(1/n_1 + 1/n_2)),   p = 2·Φ(−|z|) = erfc(|z|/√2)
 *
 * as statsmodels `proportions_ztest` (pooled variance) and Evidently's `z` drift method for
 * binary features. The tail uses erfc directly (stdlib) so small p-values keep their digits.
 *
 * The pooled variance is zero only when both samples are all successes or all failures, i.e.
 * p̂_1 = p̂_2; the test then has no evidence of a difference and returns z = 0, p = 1 (Evidently
 * does the same). An empty sample is undefined. No epsilon.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { statUndefined, type TestResult } from './result.js';

/** ProportionSample is a count of successes out of a total. */
export interface ProportionSample {
  readonly successes: number;
  readonly total: number;
}

/** ZTestResult is the z statistic and two-sided p-value, or why the test is undefined. */
export type ZTestResult = TestResult<{ readonly statistic: number; readonly pValue: number }>;

/**
 * twoProportionZTest compares the success rates of a reference and a current sample.
 *
 * @example
 * twoProportionZTest({ successes: 45, total: 100 }, { successes: 30, total: 100 });
 * // { ok: true, statistic: 2.1909, pValue: 0.02846 }
 */
export function twoProportionZTest(reference: ProportionSample, current: ProportionSample): ZTestResult {
  for (const [name, s] of [
    ['reference', reference],
    ['current', current],
  ] as const) {
    if (!(s.successes >= 0 && s.successes <= s.total && Number.isFinite(s.total))) {
      throw new RangeError(`${name}: successes must be within [0, total]`);
    }
  }
  if (reference.total === 0 || current.total === 0) {
    return statUndefined('empty_sample', 'two-proportion z-test needs observations in both samples');
  }
  const p1 = reference.successes / reference.total;
  const p2 = current.successes / current.total;
  const pooled = (reference.successes + current.successes) / (reference.total + current.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / reference.total + 1 / current.total));
  if (se === 0) return { ok: true, statistic: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { ok: true, statistic: z, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}
