/*
 * Bootstrap comparisons of any metric (Efron & Tibshirani 1993, ch. 13 and 16), seeded.
 *
 * - paired: resample record indices i₁…i_n with replacement, B times, and recompute
 *   Δ* = metric_cand(idx) − metric_ref(idx) on the same indices;
 * - unpaired: resample each model's records independently.
 *
 * The CI is the percentile interval [q_{α/2}, q_{1−α/2}] of the Δ* (quantiles by linear
 * interpolation, numpy's default). The two-sided p-value inverts that interval:
 * p = min(1, 2·min(#(Δ* ≤ 0) + 1, #(Δ* ≥ 0) + 1)/(B + 1)), the smallest α whose percentile
 * interval excludes 0 (the +1 keeps p > 0 with finitely many resamples; Davison & Hinkley 1997
 * §4.4). The standard error is the standard deviation of the Δ* (denominator B − 1).
 * Replicates where the metric is undefined (NaN, e.g. recall on a resample without positives)
 * are dropped and counted in `dropped`; the statistics use the rest.
 *
 * Randomness comes from the `uniform` generator passed in (e.g. mulberry32(seed)), so equal seeds
 * give equal answers. Monte-Carlo error of p is about √(p(1−p)/B).
 */
import { statUndefined, type TestResult } from '../stats/index.js';
import type { ComparisonFields } from './result.js';

/** BootstrapOptions configures the bootstrap. */
export interface BootstrapOptions {
  /** Resamples. Default 2000. */
  readonly resamples?: number;
  /** CI level's α. Default 0.05. */
  readonly alpha?: number;
}

/** BootstrapResult is a bootstrap comparison with its dropped-replicate count. */
export type BootstrapResult = TestResult<
  ComparisonFields & { readonly dropped: number; readonly resamples: number }
>;

/** IndexedMetric computes a metric on the records at `idx` (indices into the caller's arrays). */
export type IndexedMetric = (idx: Int32Array) => number;

function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function summarise(
  observed: number,
  draws: number[],
  resamples: number,
  alpha: number,
  test: string,
): BootstrapResult {
  if (Number.isNaN(observed))
    return statUndefined('too_few_observations', 'the metric is undefined on the full sample');
  if (draws.length < 2)
    return statUndefined('too_few_observations', 'the metric is undefined on almost every resample');
  const sorted = Float64Array.from(draws).sort();
  let mean = 0;
  for (const d of draws) mean += d;
  mean /= draws.length;
  let ss = 0;
  let le = 0;
  let ge = 0;
  for (const d of draws) {
    ss += (d - mean) ** 2;
    if (d <= 0) le++;
    if (d >= 0) ge++;
  }
  const k = draws.length;
  return {
    ok: true,
    difference: observed,
    standardError: Math.sqrt(ss / (k - 1)),
    ci: [quantile(sorted, alpha / 2), quantile(sorted, 1 - alpha / 2)],
    pValue: Math.min(1, (2 * Math.min(le + 1, ge + 1)) / (k + 1)),
    statistic: Number.NaN,
    test,
    dropped: resamples - k,
    resamples,
  };
}

function draw(n: number, uniform: () => number, out: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) out[i] = Math.floor(uniform() * n);
  return out;
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * pairedBootstrap compares two metrics on the same n records, resampling records jointly.
 *
 * @example
 * const y = [0, 1, 1, 0]; const a = [0, 1, 0, 0]; const b = [0, 1, 1, 0];
 * const acc = (p: number[]) => (idx: Int32Array) => idx.reduce((s, i) => s + (p[i] === y[i] ? 1 : 0), 0) / idx.length;
 * pairedBootstrap(4, acc(a), acc(b), mulberry32(1), { resamples: 1000 });
 */
export function pairedBootstrap(
  n: number,
  reference: IndexedMetric,
  candidate: IndexedMetric,
  uniform: () => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? 2000;
  const alpha = options.alpha ?? 0.05;
  if (n === 0) return statUndefined('empty_sample', 'the bootstrap needs at least one record');
  const all = identity(n);
  const observed = candidate(all) - reference(all);
  const idx = new Int32Array(n);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    draw(n, uniform, idx);
    const d = candidate(idx) - reference(idx);
    if (!Number.isNaN(d)) draws.push(d);
  }
  return summarise(observed, draws, resamples, alpha, 'paired_bootstrap');
}

/**
 * unpairedBootstrap compares two metrics on independent samples of nRef and nCand records.
 *
 * @example
 * unpairedBootstrap(100, 120, refMetric, candMetric, mulberry32(7));
 */
export function unpairedBootstrap(
  nReference: number,
  nCandidate: number,
  reference: IndexedMetric,
  candidate: IndexedMetric,
  uniform: () => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? 2000;
  const alpha = options.alpha ?? 0.05;
  if (nReference === 0 || nCandidate === 0)
    return statUndefined('empty_sample', 'the bootstrap needs records in both samples');
  const observed = candidate(identity(nCandidate)) - reference(identity(nReference));
  const ia = new Int32Array(nReference);
  const ib = new Int32Array(nCandidate);
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    draw(nReference, uniform, ia);
    draw(nCandidate, uniform, ib);
    const d = candidate(ib) - reference(ia);
    if (!Number.isNaN(d)) draws.push(d);
  }
  return summarise(observed, draws, resamples, alpha, 'unpaired_bootstrap');
}
