/*
 * Diebold–Mariano test of equal predictive accuracy (Diebold & Mariano 1995, JBES 13:253) with
 * the Harvey, Leybourne & Newbold (1997, IJF 13:281) small-sample correction.
 *
 * For paired errors e_ref,t and e_cand,t (t = 1…T), the loss differential is
 * d_t = L(e_cand,t) − L(e_ref,t) with L(e) = e² ('squared') or |e| ('absolute'), so d̄ < 0 means
 * the candidate's loss is smaller. With the autocovariances γ_k = (1/T) Σ_{t=k+1..T} (d_t − d̄)(d_{t−k} − d̄)
 * up to lag h − 1 (an h-step forecast's errors are MA(h−1)):
 *
 *   V = (γ₀ + 2 Σ_{k=1}^{h−1} γ_k) / T,   DM = d̄ / √V,
 *   DM* = DM · √((T + 1 − 2h + h(h−1)/T) / T),   p = 2·(1 − F_t(|DM*|; T − 1)).
 *
 * The reported standard error is the corrected one, SE = √V / √((T + 1 − 2h + h(h−1)/T)/T), so
 * DM* = d̄/SE, and the 95% CI is d̄ ± t_{0.975, T−1}·SE (d̄ is exactly the MAE or MSE difference).
 * V ≤ 0 (possible when h > 1, or all d equal) leaves the test undefined. No epsilon.
 */
import t from '@stdlib/stats-base-dists-t';
import { statUndefined } from '../stats/index.js';
import type { ComparisonResult } from './result.js';

/** DmLoss is the loss applied to each error. */
export type DmLoss = 'squared' | 'absolute';

/** DmOptions configures dieboldMariano. */
export interface DmOptions {
  /** Default 'squared'. */
  readonly loss?: DmLoss;
  /** Forecast horizon h ≥ 1. Default 1. */
  readonly horizon?: number;
}

/**
 * dieboldMariano compares paired forecast or regression errors (prediction − actual).
 *
 * @example
 * dieboldMariano([1, -2, 0.5, 1.5], [0.5, -1, 0.2, 1], { loss: 'absolute' });
 */
export function dieboldMariano(
  referenceErrors: ArrayLike<number>,
  candidateErrors: ArrayLike<number>,
  options: DmOptions = {},
): ComparisonResult {
  if (referenceErrors.length !== candidateErrors.length)
    throw new RangeError('error series differ in length');
  const loss = options.loss ?? 'squared';
  const h = options.horizon ?? 1;
  if (!(Number.isInteger(h) && h >= 1)) throw new RangeError('horizon must be an integer ≥ 1');
  const n = referenceErrors.length;
  if (n < 2) return statUndefined('too_few_observations', 'Diebold–Mariano needs at least two errors');
  const L = loss === 'squared' ? (e: number) => e * e : Math.abs;
  const d = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    d[i] = L(candidateErrors[i]!) - L(referenceErrors[i]!);
    mean += d[i]!;
  }
  mean /= n;
  const gamma = (k: number) => {
    let s = 0;
    for (let i = k; i < n; i++) s += (d[i]! - mean) * (d[i - k]! - mean);
    return s / n;
  };
  let lrv = gamma(0);
  for (let k = 1; k < h; k++) lrv += 2 * gamma(k);
  const v = lrv / n;
  if (!(v > 0)) return statUndefined('single_distinct_value', 'the loss differential has no variance');
  const hln = Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const se = Math.sqrt(v) / hln;
  const stat = mean / se;
  const df = n - 1;
  const pValue = Math.min(1, 2 * t.cdf(-Math.abs(stat), df));
  const q = t.quantile(0.975, df);
  return {
    ok: true,
    difference: mean,
    standardError: se,
    ci: [mean - q * se, mean + q * se],
    pValue,
    statistic: stat,
    test: loss === 'squared' ? 'diebold_mariano_squared' : 'diebold_mariano_absolute',
  };
}
