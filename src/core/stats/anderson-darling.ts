/*
 * Anderson–Darling k-sample test, as scipy.stats.anderson_ksamp(samples, midrank=True)
 * (scipy 1.10): Scholz & Stephens (1987), "K-sample Anderson–Darling tests", JASA 82(399),
 * equation (7), the version for discrete data with ties:
 *
 *   A²_akN = (N−1)/N · Σ_i 1/n_i · Σ_j (l_j/N) · (N·M_ij − n_i·B_j)² / (B_j(N − B_j) − N·l_j/4)
 *
 * over the distinct pooled values z_j with multiplicity l_j, B_j = #{pooled < z_j} + l_j/2 and
 * M_ij = #{sample i ≤ z_j} − f_ij/2 (f_ij = copies of z_j in sample i). The reported statistic
 * is standardised: T = (A²_akN − (k−1)) / σ_N, with σ_N² from their equation (4) (H, h, g sums).
 *
 * Significance level: the critical values at 25, 10, 5, 2.5, 1, 0.5, 0.1 % are
 * b0 + b1/√m + b2/m, m = k − 1 (their Table 2). Between the smallest and largest critical value
 * the level is exp of a least-squares quadratic in T fitted to (critical, ln level), exactly as
 * scipy's np.polyfit(critical, log(sig), 2); below it is capped at 0.25 and above floored at
 * 0.001, and `bound` says which (scipy warns instead).
 *
 * Undefined: an empty sample, fewer than two distinct pooled values, or N < 4 (σ_N divides by
 * (N−1)(N−2)(N−3)). NaN is dropped as missing. No epsilon.
 */
import { statUndefined, type TestResult } from './result.js';
import { sortedWithoutNaN } from './sample.js';

const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
/** ANDERSON_LEVELS are the significance levels of the critical values, largest first. */
export const ANDERSON_LEVELS: readonly number[] = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

/** AndersonFields are the values of a defined k-sample Anderson–Darling test. */
export interface AndersonFields {
  /** Standardised statistic T (may be negative). */
  readonly statistic: number;
  /** Critical values at ANDERSON_LEVELS. */
  readonly criticalValues: readonly number[];
  /** Approximate p-value, within [0.001, 0.25]. */
  readonly significanceLevel: number;
  /** 'cap' when the true level is above 0.25, 'floor' when below 0.001, else null. */
  readonly bound: 'cap' | 'floor' | null;
}

/** AndersonResult is an Anderson–Darling result or why it is undefined. */
export type AndersonResult = TestResult<AndersonFields>;

// Least-squares quadratic c2·x² + c1·x + c0 through (x_i, y_i) by Householder QR on the
// column-scaled Vandermonde matrix (what numpy.polyfit solves with lstsq).
function fitQuadratic(x: readonly number[], y: readonly number[]): [number, number, number] {
  const rows = x.length;
  const cols = [x.map((v) => v * v), x.slice(), x.map(() => 1)];
  const scale = cols.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  const a = cols.map((c, k) => c.map((v) => v / scale[k]!));
  const b = y.slice();
  for (let k = 0; k < 3; k++) {
    const col = a[k]!;
    let norm = 0;
    for (let i = k; i < rows; i++) norm += col[i]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = col[k]! > 0 ? -norm : norm;
    const v = col.map((c, i) => (i < k ? 0 : i === k ? c - alpha : c));
    const vv = v.reduce((s, t) => s + t * t, 0);
    if (vv === 0) continue;
    const reflect = (target: number[]): void => {
      const dot = target.reduce((s, t, i) => s + t * v[i]!, 0);
      for (let i = k; i < rows; i++) target[i]! -= (2 * dot * v[i]!) / vv;
    };
    for (let j = k; j < 3; j++) reflect(a[j]!);
    reflect(b);
  }
  const c = [0, 0, 0];
  for (let k = 2; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < 3; j++) s -= a[j]![k]! * c[j]!;
    c[k] = s / a[k]![k]!;
  }
  return [c[0]! / scale[0]!, c[1]! / scale[1]!, c[2]! / scale[2]!];
}

function midrankStatistic(sorted: readonly Float64Array[], pooled: Float64Array): number {
  const N = pooled.length;
  // Distinct pooled values z_j, their multiplicity l_j and B_j (at most N of each).
  const z = new Float64Array(N);
  const l = new Float64Array(N);
  const B = new Float64Array(N);
  let distinct = 0;
  for (let i = 0; i < N; ) {
    let j = i + 1;
    // j < N bounds the read.
    while (j < N && pooled[j] === pooled[i]) j++;
    z[distinct] = pooled[i]!;
    l[distinct] = j - i;
    B[distinct] = i + (j - i) / 2;
    distinct++;
    i = j;
  }
  let a2 = 0;
  for (const s of sorted) {
    const n = s.length;
    let pos = 0;
    let inner = 0;
    for (let j = 0; j < distinct; j++) {
      const start = pos;
      // pos < n bounds the read; s and pooled share their values, so pos only advances over z_j.
      while (pos < n && s[pos] === z[j]) pos++;
      const m = pos - (pos - start) / 2;
      const lj = l[j]!;
      const bj = B[j]!;
      inner += ((lj / N) * (N * m - bj * n) ** 2) / (bj * (N - bj) - (N * lj) / 4);
    }
    a2 += inner / n;
  }
  return (a2 * (N - 1)) / N;
}

/**
 * andersonKSample runs the k-sample Anderson–Darling test (midrank version for ties).
 *
 * @example
 * const r = andersonKSample([reference, current]);
 * if (r.ok) console.log(r.statistic, r.significanceLevel, r.bound);
 */
export function andersonKSample(samples: ReadonlyArray<ArrayLike<number>>): AndersonResult {
  const k = samples.length;
  if (k < 2) throw new RangeError('anderson_ksamp needs at least two samples');
  const sorted = samples.map((s) => sortedWithoutNaN(s));
  if (sorted.some((s) => s.length === 0)) {
    return statUndefined('empty_sample', 'anderson_ksamp encountered sample without observations');
  }
  const N = sorted.reduce((s, x) => s + x.length, 0);
  const concatenated = new Float64Array(N);
  let offset = 0;
  for (const s of sorted) {
    concatenated.set(s, offset);
    offset += s.length;
  }
  const pooled = sortedWithoutNaN(concatenated);
  if (pooled[0] === pooled[N - 1]) {
    return statUndefined('single_distinct_value', 'anderson_ksamp needs more than one distinct observation');
  }
  if (N < 4) return statUndefined('too_few_observations', 'anderson_ksamp needs at least 4 observations');
  const a2kN = midrankStatistic(sorted, pooled);

  const H = sorted.reduce((s, x) => s + 1 / x.length, 0);
  // hs_cs[t] = Σ_{i=N−1−t}^{N−1} 1/i … as numpy: cumsum of 1/(N−1), 1/(N−2), …, 1/2.
  let cum = 0;
  let g = 0;
  for (let t = 0; t < N - 2; t++) {
    cum += 1 / (N - 1 - t);
    g += cum / (t + 2);
  }
  const h = cum + 1;
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k ** 2 - 4 * h * k;
  const sigmaSq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const m = k - 1;
  const statistic = (a2kN - m) / Math.sqrt(sigmaSq);

  const criticalValues = B0.map((b0, i) => b0 + B1[i]! / Math.sqrt(m) + B2[i]! / m);
  const lo = Math.min(...criticalValues);
  const hi = Math.max(...criticalValues);
  if (statistic < lo) return { ok: true, statistic, criticalValues, significanceLevel: 0.25, bound: 'cap' };
  if (statistic > hi)
    return { ok: true, statistic, criticalValues, significanceLevel: 0.001, bound: 'floor' };
  const [c2, c1, c0] = fitQuadratic(
    criticalValues,
    ANDERSON_LEVELS.map((s) => Math.log(s)),
  );
  const significanceLevel = Math.exp((c2 * statistic + c1) * statistic + c0);
  return { ok: true, statistic, criticalValues, significanceLevel, bound: null };
}
