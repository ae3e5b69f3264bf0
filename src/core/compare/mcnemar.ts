/*
 * McNemar's test for paired accuracy (McNemar 1947, Psychometrika 12:153).
 *
 * Over the same records, b counts those the reference got right and the candidate wrong, c
 * those the candidate got right and the reference wrong (the discordant pairs). Under H0 the
 * discordant pairs split 50/50.
 *
 * - exact (b + c < 25, the rule of thumb statsmodels' docs and Fagerland et al. 2013 give for
 *   the chi-square approximation): statistic min(b, c), p = min(1, 2·Binom(min(b,c); b+c, ½)),
 *   as statsmodels `mcnemar(table, exact=True)`.
 * - chi-square with continuity correction (b + c ≥ 25): χ² = (|b − c| − 1)² / (b + c) on one
 *   degree of freedom, p = erfc(√(χ²/2)), as statsmodels `mcnemar(table, exact=False,
 *   correction=True)`. b + c = 0 gives p = 1.
 *
 * The accuracy difference (candidate − reference) is (c − b)/n with the Wald standard error of a
 * paired difference of proportions, √((b + c) − (c − b)²/n)/n (Agresti, Categorical Data
 * Analysis §10.1), and its 95% CI Δ ± 1.95996·SE. No epsilon.
 */
import erfc from '@stdlib/math-base-special-erfc';
import binomial from '@stdlib/stats-base-dists-binomial';
import { statUndefined } from '../stats/index.js';
import { type ComparisonResult, Z_975 } from './result.js';

/** MCNEMAR_EXACT_BELOW is the discordant count below which the exact binomial test is used. */
export const MCNEMAR_EXACT_BELOW = 25;

/** McNemarMethod selects the p-value: 'auto' follows MCNEMAR_EXACT_BELOW. */
export type McNemarMethod = 'auto' | 'exact' | 'chi2_corrected';

/**
 * mcnemarPValue returns McNemar's statistic and two-sided p-value for discordant counts b and c.
 *
 * @example
 * mcnemarPValue(3, 12); // exact: { statistic: 3, pValue: 0.03515625, method: 'exact' }
 */
export function mcnemarPValue(
  b: number,
  c: number,
  method: McNemarMethod = 'auto',
): { statistic: number; pValue: number; method: 'exact' | 'chi2_corrected' } {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0))
    throw new RangeError('discordant counts must be non-negative integers');
  const n = b + c;
  const exact = method === 'exact' || (method === 'auto' && n < MCNEMAR_EXACT_BELOW);
  if (exact) {
    const k = Math.min(b, c);
    return { statistic: k, pValue: n === 0 ? 1 : Math.min(1, 2 * binomial.cdf(k, n, 0.5)), method: 'exact' };
  }
  if (n === 0) return { statistic: 0, pValue: 1, method: 'chi2_corrected' };
  const stat = (Math.abs(b - c) - 1) ** 2 / n;
  return { statistic: stat, pValue: Math.min(1, erfc(Math.sqrt(stat / 2))), method: 'chi2_corrected' };
}

/** DiscordantCounts are the paired outcomes of two classifiers on the same records. */
export interface DiscordantCounts {
  readonly n: number;
  /** reference right, candidate wrong. */
  readonly b: number;
  /** candidate right, reference wrong. */
  readonly c: number;
}

/**
 * discordantCounts counts b and c from per-record correctness (true = right).
 *
 * @example
 * discordantCounts([true, true, false], [false, true, true]); // { n: 3, b: 1, c: 1 }
 */
export function discordantCounts(
  referenceCorrect: ArrayLike<boolean>,
  candidateCorrect: ArrayLike<boolean>,
): DiscordantCounts {
  if (referenceCorrect.length !== candidateCorrect.length) throw new RangeError('inputs differ in length');
  let b = 0;
  let c = 0;
  for (let i = 0; i < referenceCorrect.length; i++) {
    if (referenceCorrect[i] && !candidateCorrect[i]) b++;
    else if (!referenceCorrect[i] && candidateCorrect[i]) c++;
  }
  return { n: referenceCorrect.length, b, c };
}

/**
 * mcnemarTest compares paired accuracies: difference, Wald CI and McNemar's p-value.
 *
 * @example
 * mcnemarTest({ n: 100, b: 3, c: 12 }).pValue; // 0.03515625
 */
export function mcnemarTest(counts: DiscordantCounts, method: McNemarMethod = 'auto'): ComparisonResult {
  const { n, b, c } = counts;
  if (n === 0) return statUndefined('empty_sample', 'McNemar needs at least one paired record');
  const p = mcnemarPValue(b, c, method);
  const difference = (c - b) / n;
  const se = Math.sqrt(Math.max(0, b + c - (c - b) ** 2 / n)) / n;
  return {
    ok: true,
    difference,
    standardError: se,
    ci: [difference - Z_975 * se, difference + Z_975 * se],
    pValue: p.pValue,
    statistic: p.statistic,
    test: p.method === 'exact' ? 'mcnemar_exact' : 'mcnemar_chi2_corrected',
  };
}
