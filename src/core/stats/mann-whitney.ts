/*
 * Mann–Whitney U test, two-sided, as scipy.stats.mannwhitneyu (scipy 1.10).
 *
 *   U_1 = R_1 − n_1(n_1 + 1)/2   (R_1 = sum of the mid-ranks of the first sample; reported),
 *   U = max(U_1, n_1·n_2 − U_1)
 *
 * - 'asymptotic': z = (U − n_1 n_2/2 − ½) / σ, with the tie-corrected
 *   σ² = n_1 n_2/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))) and the ½ continuity correction (unless
 *   useContinuity: false); p = 2·Φ(−z) = erfc(z/√2), clipped to [0, 1].
 * - 'exact': p = 2·P(U ≥ ⌊U_obs⌋) under H0 without ties (scipy truncates a half-integer U
 *   that ties produce, and ignores ties otherwise), from the distribution of U: the
 *   coefficients of the Gaussian binomial [n_1+n_2 choose n_1]_q (Mann & Whitney 1947; Andrews,
 *   "The Theory of Partitions", §3.3), built as Π_{i≤a} (1 − q^{b+i})/(1 − q^i), a = min size,
 *   b = max size, truncated at the degree needed. Each step keeps a polynomial with
 *   non-negative coefficients; they are rescaled by 1e-250 when they grow past 1e250 and the
 *   scale is carried in logs, so C(n_1+n_2, n_1) never overflows. Cost O(a · U).
 * - 'auto': 'asymptotic' when both samples have more than 8 values or there are ties, else
 *   'exact' (scipy 1.10's rule).
 *
 * NaN is dropped as missing; ±Infinity rank as ordinary values. No epsilon.
 */
import erfc from '@stdlib/math-base-special-erfc';
import gammaln from '@stdlib/math-base-special-gammaln';
import { statUndefined, type TestResult } from './result.js';
import { sortedWithoutNaN } from './sample.js';

/** MannWhitneyMethod selects how the p-value is computed. */
export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

/** MannWhitneyOptions configures mannWhitneyU. */
export interface MannWhitneyOptions {
  /** Default 'auto'. */
  readonly method?: MannWhitneyMethod;
  /** Continuity correction for 'asymptotic'. Default true. */
  readonly useContinuity?: boolean;
}

/** MannWhitneyFields are the values of a defined Mann–Whitney test. */
export interface MannWhitneyFields {
  /** U of the first sample. */
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/** MannWhitneyResult is a Mann–Whitney result or why it is undefined. */
export type MannWhitneyResult = TestResult<MannWhitneyFields>;

/**
 * mannWhitneyCdf returns P(U ≤ u) under H0 for sample sizes n1, n2 (no ties).
 *
 * @example
 * mannWhitneyCdf(2, 2, 0); // 1/6
 */
export function mannWhitneyCdf(n1: number, n2: number, u: number): number {
  const top = Math.floor(u);
  if (top < 0) return 0;
  if (top >= n1 * n2) return 1;
  const a = Math.min(n1, n2);
  const b = Math.max(n1, n2);
  const c = new Float64Array(top + 1);
  c[0] = 1;
  let logScale = 0;
  for (let i = 1; i <= a; i++) {
    // Multiply by (1 − q^(b+i)), high degrees first so each read is of the old polynomial.
    for (let d = top; d >= b + i; d--) c[d]! -= c[d - b - i]!;
    // Divide by (1 − q^i): a running sum with stride i.
    for (let d = i; d <= top; d++) c[d]! += c[d - i]!;
    let biggest = 0;
    for (const x of c) biggest = Math.max(biggest, x);
    if (biggest > 1e250) {
      for (let d = 0; d <= top; d++) c[d]! *= 1e-250;
      logScale += 250 * Math.LN10;
    }
  }
  let count = 0;
  for (const x of c) count += Math.max(0, x);
  const logTotal = gammaln(n1 + n2 + 1) - gammaln(n1 + 1) - gammaln(n2 + 1);
  return Math.min(1, Math.exp(Math.log(count) + logScale - logTotal));
}

/**
 * mannWhitneyU tests whether `x` and `y` come from the same distribution (two-sided).
 *
 * @example
 * const r = mannWhitneyU([0.72, -3.86, 0.44, 0.13, 0.39, -0.6, 1.16], [0.93, 1.6, -0.76, 0.99, 2.04, 2.23]);
 * // r.ok && r.statistic === 8, r.method === 'exact', r.pValue ≈ 0.0734
 */
export function mannWhitneyU(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const a = sortedWithoutNaN(x);
  const b = sortedWithoutNaN(y);
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return statUndefined('empty_sample', 'mannwhitneyu needs values in both samples');
  // One merge pass: mid-ranks of the first sample and the tie term Σ(t³ − t).
  let i = 0;
  let j = 0;
  let rank = 0;
  let r1 = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    // Reads guarded by i < n1 / j < n2.
    const v = i < n1 && (j >= n2 || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    let ca = 0;
    let cb = 0;
    while (i < n1 && a[i] === v) {
      ca++;
      i++;
    }
    while (j < n2 && b[j] === v) {
      cb++;
      j++;
    }
    const t = ca + cb;
    r1 += ca * (rank + (t + 1) / 2);
    tieTerm += t ** 3 - t;
    rank += t;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const method =
    (options.method ?? 'auto') === 'auto'
      ? (n1 > 8 && n2 > 8) || tieTerm > 0
        ? 'asymptotic'
        : 'exact'
      : options.method === 'exact'
        ? 'exact'
        : 'asymptotic';
  let p: number;
  if (method === 'exact') {
    // scipy evaluates sf(int(U)) = P(U ≥ ⌊U⌋): with ties U can be a half-integer and is
    // truncated, not rounded. P(U ≥ k) = P(U ≤ n1·n2 − k) by symmetry.
    p = 2 * mannWhitneyCdf(n1, n2, n1 * n2 - Math.floor(u));
  } else {
    const n = n1 + n2;
    const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const numerator = u - (n1 * n2) / 2 - ((options.useContinuity ?? true) ? 0.5 : 0);
    p = erfc(numerator / sigma / Math.SQRT2);
  }
  return { ok: true, statistic: u1, pValue: Math.min(1, Math.max(0, p)), method };
}
