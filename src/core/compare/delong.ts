/*
 * DeLong's test for the difference of two ROC AUCs (DeLong, DeLong & Clarke-Pearson 1988,
 * Biometrics 44:837), computed with the fast midrank algorithm of Sun & Xu (2014, IEEE Signal
 * Processing Letters 21:1389) in O(n log n) per model.
 *
 * With m positives X and n negatives Y, for each model: T_X, T_Y, T_Z the midranks of the
 * positives among the positives, of the negatives among the negatives and of all of them among
 * Z = X ∪ Y. Then
 *
 *   AUC = (Σ_i T_Z(X_i) − m(m+1)/2) / (m n),
 *   V10_i = (T_Z(X_i) − T_X(X_i)) / n,     V01_j = 1 − (T_Z(Y_j) − T_Y(Y_j)) / m,
 *
 * and the covariance of the AUCs is S = S10/m + S01/n, S10 and S01 the sample covariances
 * (denominator m−1 and n−1) of the V10 and V01 components across the two models.
 *
 * - paired (both models scored the same records): Var(Δ) = S_AA + S_BB − 2 S_AB.
 * - unpaired (independent samples): Var(Δ) = S_A + S_B, each from its own sample.
 *
 * z = Δ / √Var, p = erfc(|z|/√2), 95% CI Δ ± 1.95996·√Var (Δ = AUC_candidate − AUC_reference).
 * A zero variance gives p = 1 when Δ = 0 (no evidence) and p = 0 otherwise. Fewer than two
 * positives or negatives leaves the covariance undefined (`too_few_observations`). NaN scores
 * are a programming error here: the caller drops incomplete rows. No epsilon.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { statUndefined, type TestResult } from '../stats/index.js';
import { type ComparisonFields, Z_975 } from './result.js';

/** midranks returns the 1-based average ranks of xs (ties share the mean of their ranks). */
export function midranks(xs: ArrayLike<number>): Float64Array {
  const n = xs.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const out = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && xs[order[j]!] === xs[order[i]!]) j++;
    const rank = 0.5 * (i + j - 1) + 1;
    for (let k = i; k < j; k++) out[order[k]!] = rank;
    i = j;
  }
  return out;
}

interface Components {
  readonly auc: number;
  readonly v10: Float64Array;
  readonly v01: Float64Array;
}

function components(pos: Float64Array, neg: Float64Array): Components {
  const m = pos.length;
  const n = neg.length;
  const z = new Float64Array(m + n);
  z.set(pos, 0);
  z.set(neg, m);
  const tx = midranks(pos);
  const ty = midranks(neg);
  const tz = midranks(z);
  let sum = 0;
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    sum += tz[i]!;
    v10[i] = (tz[i]! - tx[i]!) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j]! - ty[j]!) / m;
  return { auc: (sum - (m * (m + 1)) / 2) / (m * n), v10, v01 };
}

function cov(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (n - 1);
}

function split(yTrue: ArrayLike<number>, scores: ArrayLike<number>): [Float64Array, Float64Array] {
  if (yTrue.length !== scores.length) throw new RangeError('labels and scores differ in length');
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new RangeError(`score is NaN at index ${i}`);
    if (yTrue[i] === 1) pos.push(s);
    else if (yTrue[i] === 0) neg.push(s);
    else throw new RangeError(`binary labels must be 0 or 1, got ${yTrue[i]} at index ${i}`);
  }
  return [Float64Array.from(pos), Float64Array.from(neg)];
}

/** DeLongResult adds both AUCs to a comparison. */
export type DeLongResult = TestResult<
  ComparisonFields & { readonly reference: number; readonly candidate: number }
>;

function finish(ref: number, cand: number, variance: number, test: string): DeLongResult {
  const difference = cand - ref;
  const se = Math.sqrt(Math.max(0, variance));
  const z =
    se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY) : difference / se;
  const pValue = se === 0 ? (difference === 0 ? 1 : 0) : Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
  return {
    ok: true,
    reference: ref,
    candidate: cand,
    difference,
    standardError: se,
    ci: [difference - Z_975 * se, difference + Z_975 * se],
    pValue,
    statistic: z,
    test,
  };
}

/**
 * delongPaired compares the AUCs of two models' scores on the same labelled records.
 *
 * @example
 * delongPaired([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], [0.2, 0.3, 0.6, 0.7, 0.1, 0.5]);
 * // { ok: true, difference: AUC_cand − AUC_ref, standardError, ci, pValue, … }
 */
export function delongPaired(
  yTrue: ArrayLike<number>,
  referenceScores: ArrayLike<number>,
  candidateScores: ArrayLike<number>,
): DeLongResult {
  const [pa, na] = split(yTrue, referenceScores);
  const [pb, nb] = split(yTrue, candidateScores);
  if (pa.length < 2 || na.length < 2)
    return statUndefined('too_few_observations', 'DeLong needs at least two positives and two negatives');
  const a = components(pa, na);
  const b = components(pb, nb);
  const m = pa.length;
  const n = na.length;
  const saa = cov(a.v10, a.v10) / m + cov(a.v01, a.v01) / n;
  const sbb = cov(b.v10, b.v10) / m + cov(b.v01, b.v01) / n;
  const sab = cov(a.v10, b.v10) / m + cov(a.v01, b.v01) / n;
  return finish(a.auc, b.auc, saa + sbb - 2 * sab, 'delong_paired');
}

/** delongVariance returns one model's AUC and its DeLong variance. */
export function delongVariance(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
): { auc: number; variance: number } | null {
  const [p, q] = split(yTrue, scores);
  if (p.length < 2 || q.length < 2) return null;
  const c = components(p, q);
  return { auc: c.auc, variance: cov(c.v10, c.v10) / p.length + cov(c.v01, c.v01) / q.length };
}

/**
 * delongUnpaired compares the AUCs of two models scored on independent samples.
 *
 * @example
 * delongUnpaired([0, 1, 0, 1], [0.2, 0.6, 0.3, 0.4], [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]);
 */
export function delongUnpaired(
  referenceY: ArrayLike<number>,
  referenceScores: ArrayLike<number>,
  candidateY: ArrayLike<number>,
  candidateScores: ArrayLike<number>,
): DeLongResult {
  const a = delongVariance(referenceY, referenceScores);
  const b = delongVariance(candidateY, candidateScores);
  if (a === null || b === null)
    return statUndefined('too_few_observations', 'DeLong needs at least two positives and two negatives');
  return finish(a.auc, b.auc, a.variance + b.variance, 'delong_unpaired');
}
