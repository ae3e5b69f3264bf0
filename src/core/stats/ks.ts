/*
 * Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp (scipy 1.10).
 *
 *   D = sup_x |F_ref(x) − F_cur(x)|, evaluated at every pooled observed value, with
 *   F(x) = (number of observations ≤ x)/n, so ties are handled exactly (searchsorted 'right').
 *
 * p-value (method):
 * - 'exact': the exact null distribution of D_{n1,n2} (ks-exact.ts; it assumes no ties, as
 *   scipy does). D is first snapped to the lattice h/lcm(n1, n2). If lcm is too large
 *   (n1/g ≥ (2^31 − 1)/(n2/g)) or the result is not a probability, it falls back to 'asymp'.
 * - 'asymp': kstwo.sf(D, round(n1·n2/(n1+n2))), the exact one-sample distribution at the
 *   effective sample size (kolmogorov.ts), round half to even as numpy does.
 * - 'auto': 'exact' when max(n1, n2) ≤ 10000, else 'asymp'.
 *
 * Inputs: raw samples (NaN dropped as missing, ±Infinity kept) or ValueCounts (pre-aggregated
 * distinct values with counts, e.g. from ClickHouse); both run one merge pass over sorted data,
 * so 10^6 + 10^6 values cost two Float64Array sorts and a linear scan.
 *
 * Epsilon choices: none. The statistic is computed as i/n1 − j/n2 in float64 exactly like scipy,
 * so it can differ from the lattice value h/lcm in the last ulp, as scipy's 'asymp' D does.
 */
import { kstwoSf } from './kolmogorov.js';
import { probOutsideBand, probOutsideSquare } from './ks-exact.js';
import { statUndefined, type TestResult } from './result.js';
import { sortedWithoutNaN } from './sample.js';
import { assertValueCounts, totalCount, type ValueCounts } from './value-counts.js';

/** KsMethod selects how the p-value is computed; see the module comment. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/** KsOptions configures ksTwoSample. */
export interface KsOptions {
  /** Default 'auto'. */
  readonly method?: KsMethod;
}

/** KsFields are the values of a defined two-sample KS test. */
export interface KsFields {
  readonly statistic: number;
  readonly pValue: number;
  /** The method actually used ('auto' resolved, fallbacks applied). */
  readonly method: 'exact' | 'asymp';
  readonly n1: number;
  readonly n2: number;
  /** The observed value at which |F_ref − F_cur| is largest (first such value, as scipy). */
  readonly location: number;
  /** +1 when F_ref − F_cur is positive at `location`, −1 when negative. */
  readonly sign: 1 | -1;
}

/** KsResult is a two-sample KS result or why it is undefined (an empty sample). */
export type KsResult = TestResult<KsFields>;

const MAX_AUTO_N = 10_000;
const INT32_MAX = 2_147_483_647;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * ksPValue returns the two-sided p-value of D for sample sizes n1, n2 and the statistic the
 * method reports (the lattice value h/lcm for 'exact').
 *
 * @example
 * ksPValue(0.75, 8, 5, 'exact'); // { statistic: 0.75, pValue: 0.04195804195804197, method: 'exact' }
 */
export function ksPValue(
  d: number,
  n1: number,
  n2: number,
  method: KsMethod = 'auto',
): { statistic: number; pValue: number; method: 'exact' | 'asymp' } {
  const g = gcd(n1, n2);
  let mode = method;
  let statistic = d;
  if (mode === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (mode === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) mode = 'asymp';
  if (mode === 'exact') {
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic, pValue: p, method: 'exact' };
  }
  const en = (Math.max(n1, n2) * Math.min(n1, n2)) / (n1 + n2);
  const p = kstwoSf(roundHalfEven(en), statistic);
  return { statistic, pValue: Math.min(1, Math.max(0, p)), method: 'asymp' };
}

// One merge pass over two ascending sequences. `counts` null means every entry is one
// observation (raw sorted sample, repeats allowed); otherwise entries are distinct values.
function scan(
  av: ArrayLike<number>,
  ac: ArrayLike<number> | null,
  bv: ArrayLike<number>,
  bc: ArrayLike<number> | null,
  n1: number,
  n2: number,
): { d: number; location: number; sign: 1 | -1 } {
  let i = 0;
  let j = 0;
  let cumA = 0;
  let cumB = 0;
  let maxA = Number.NEGATIVE_INFINITY;
  let maxB = Number.NEGATIVE_INFINITY;
  let minA = Number.POSITIVE_INFINITY;
  let minB = Number.POSITIVE_INFINITY;
  let locMaxA = Number.NaN;
  let locMaxB = Number.NaN;
  let locMinA = Number.NaN;
  let locMinB = Number.NaN;
  const na = av.length;
  const nb = bv.length;
  // Every read of av[i] / bv[j] (and the counts) is guarded by i < na / j < nb.
  while (i < na || j < nb) {
    const v = i < na && (j >= nb || av[i]! <= bv[j]!) ? av[i]! : bv[j]!;
    let inA = false;
    let inB = false;
    while (i < na && av[i] === v) {
      const c = ac === null ? 1 : ac[i]!;
      if (c > 0) inA = true;
      cumA += c;
      i++;
    }
    while (j < nb && bv[j] === v) {
      const c = bc === null ? 1 : bc[j]!;
      if (c > 0) inB = true;
      cumB += c;
      j++;
    }
    const diff = cumA / n1 - cumB / n2;
    // scipy takes argmax over concat(sorted ref, sorted cur): the first reference value reaching
    // the extreme wins, else the first current value. Tracking each side separately does that.
    if (inA) {
      if (diff > maxA) [maxA, locMaxA] = [diff, v];
      if (diff < minA) [minA, locMinA] = [diff, v];
    }
    if (inB) {
      if (diff > maxB) [maxB, locMaxB] = [diff, v];
      if (diff < minB) [minB, locMinB] = [diff, v];
    }
  }
  const maxS = Math.max(maxA, maxB);
  const minS = Math.min(minA, minB);
  const locMax = maxA === maxS ? locMaxA : locMaxB;
  const locMin = minA === minS ? locMinA : locMinB;
  const negMin = Math.min(1, Math.max(0, -minS));
  return negMin > maxS ? { d: negMin, location: locMin, sign: -1 } : { d: maxS, location: locMax, sign: 1 };
}

function finish(
  scanned: { d: number; location: number; sign: 1 | -1 },
  n1: number,
  n2: number,
  method: KsMethod,
): KsResult {
  const p = ksPValue(scanned.d, n1, n2, method);
  return {
    ok: true,
    statistic: p.statistic,
    pValue: p.pValue,
    method: p.method,
    n1,
    n2,
    location: scanned.location,
    sign: scanned.sign,
  };
}

/**
 * ksTwoSample runs the two-sided two-sample KS test on raw samples (NaN dropped).
 *
 * @example
 * const r = ksTwoSample([-0.91, -0.49, -1.77, 0.33], [0.44, 2.35, -0.02]);
 * if (r.ok) console.log(r.statistic, r.pValue, r.method);
 */
export function ksTwoSample(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: KsOptions = {},
): KsResult {
  const a = sortedWithoutNaN(reference);
  const b = sortedWithoutNaN(current);
  if (a.length === 0 || b.length === 0) {
    return statUndefined('empty_sample', 'ks_2samp needs at least one non-missing value in each sample');
  }
  return finish(scan(a, null, b, null, a.length, b.length), a.length, b.length, options.method ?? 'auto');
}

/**
 * ksTwoSampleFromValueCounts runs the same test on pre-aggregated samples (sorted distinct
 * values with integer counts). It equals ksTwoSample on the expanded samples exactly.
 *
 * @example
 * ksTwoSampleFromValueCounts(
 *   { values: [0, 1, 2], counts: [10, 5, 1] },
 *   { values: [1, 2, 3], counts: [4, 4, 4] },
 * );
 */
export function ksTwoSampleFromValueCounts(
  reference: ValueCounts,
  current: ValueCounts,
  options: KsOptions = {},
): KsResult {
  assertValueCounts(reference, 'reference');
  assertValueCounts(current, 'current');
  const n1 = totalCount(reference);
  const n2 = totalCount(current);
  if (n1 === 0 || n2 === 0) {
    return statUndefined('empty_sample', 'ks_2samp needs at least one non-missing value in each sample');
  }
  const scanned = scan(reference.values, reference.counts, current.values, current.counts, n1, n2);
  return finish(scanned, n1, n2, options.method ?? 'auto');
}
