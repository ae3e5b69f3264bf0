/*
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions:
 *
 *   W1(u, v) = ∫ |U(t) − V(t)| dt
 *
 * with U, V the (weighted) empirical CDFs, as scipy.stats.wasserstein_distance (scipy 1.10,
 * `_cdf_distance` with p = 1): one pass over the pooled sorted values summing
 * |U(x_k) − V(x_k)| · (x_{k+1} − x_k). Weights need not sum to 1 (each side is normalised).
 *
 * Normalised variant: W1 / σ_ref, σ_ref the population (ddof = 0) standard deviation of the
 * reference, as Evidently's `wasserstein` drift method, which divides by max(σ_ref, 0.001). That
 * absolute floor is gone here: it made the default drift method blind to features on small
 * scales. A feature on a 1e-5 scale (σ_ref = 1e-5) whose mean moves by one σ has W1 ≈ 1e-5, so
 * W1 / 1e-5 ≈ 1.0, drifted; divided by the 0.001 floor it was 0.01, under the 0.1 threshold, while
 * KS p = 0, PSI 0.94 and JS 0.39 saw the shift (pandas-written CSV, 5,000 rows a side). The
 * normaliser is now only guarded against a zero σ_ref (a constant reference), and the guard
 * scales with the data (wassersteinScale):
 * - σ_ref counts as zero when σ_ref ≤ 1e-12 · max(|min_ref|, |max_ref|) (ZERO_STD_RELATIVE):
 *   below that it is rounding of its own computation, not spread (the mean of 5,000 copies of
 *   0.1 is off by ~1e-17, so their two-pass σ is ~1e-17, not 0). A real spread of 1e-12 of the
 *   magnitude is still ~4,500 float64 steps (2^-52 ≈ 2.2e-16 apart), so 1e9 + N(0, 1) (σ/|x|
 *   = 1e-9) and a 1e-5-scale feature (σ/|x| ≈ 0.3) are both normalised by their σ_ref.
 * - then the pooled σ of both samples is used: a constant reference at 5 and a current at 6
 *   (one row) gives W1 = 1 over pooled σ 0.471, 2.12 (it was 1 / 0.001 = 1000 under the floor);
 *   both sides constant at the same value give W1 = 0, normed 0.
 * Both are in the units of the data, so the normed value does not change when the data is
 * multiplied by any power of ten (wasserstein.test.ts checks 1e-5 and 1e9).
 *
 * NaN values are dropped (missing). ±Infinity: an interval of infinite length between CDFs that
 * differ makes the distance +Infinity; where the CDFs agree it contributes 0 (not NaN).
 */
import { sortedWithoutNaN } from './sample.js';
import { assertValueCounts, totalCount, type ValueCounts } from './value-counts.js';

/**
 * ZERO_STD_RELATIVE: a reference standard deviation at or below this fraction of the
 * reference's largest magnitude is numerically zero (rounding, not spread); see the header.
 */
export const ZERO_STD_RELATIVE = 1e-12;

// Sorted values (ascending, repeats allowed) with weights (null = 1 each) and their total.
interface Weighted {
  readonly values: ArrayLike<number>;
  readonly weights: ArrayLike<number> | null;
  readonly total: number;
}

function cdfDistance(a: Weighted, b: Weighted): number {
  const av = a.values;
  const bv = b.values;
  let i = 0;
  let j = 0;
  let cumA = 0;
  let cumB = 0;
  let area = 0;
  let prev = Number.NaN;
  // Reads of av[i] / bv[j] and their weights are guarded by i < av.length / j < bv.length.
  while (i < av.length || j < bv.length) {
    const v = i < av.length && (j >= bv.length || av[i]! <= bv[j]!) ? av[i]! : bv[j]!;
    if (i + j > 0) {
      const gap = Math.abs(cumA / a.total - cumB / b.total);
      if (gap > 0 && v !== prev) area += gap * (v - prev);
    }
    while (i < av.length && av[i] === v) {
      cumA += a.weights === null ? 1 : a.weights[i]!;
      i++;
    }
    while (j < bv.length && bv[j] === v) {
      cumB += b.weights === null ? 1 : b.weights[j]!;
      j++;
    }
    prev = v;
  }
  return area;
}

function weightedSorted(values: ArrayLike<number>, weights: ArrayLike<number>, name: string): Weighted {
  if (values.length !== weights.length) {
    throw new RangeError(`${name}: ${values.length} values but ${weights.length} weights`);
  }
  const order: number[] = [];
  let total = 0;
  // i < values.length = weights.length bounds every index.
  for (let i = 0; i < values.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0 && Number.isFinite(w)))
      throw new RangeError(`${name}: weights[${i}] must be finite and ≥ 0`);
    if (!Number.isNaN(values[i]!)) {
      order.push(i);
      total += w;
    }
  }
  order.sort((x, y) => values[x]! - values[y]! || 0);
  return {
    values: Float64Array.from(order, (k) => values[k]!),
    weights: Float64Array.from(order, (k) => weights[k]!),
    total,
  };
}

/** WassersteinOptions carries optional per-observation weights. */
export interface WassersteinOptions {
  readonly referenceWeights?: ArrayLike<number>;
  readonly currentWeights?: ArrayLike<number>;
}

/**
 * wassersteinDistance returns W1 between two raw samples (optionally weighted); NaN when a
 * side has no observations (or zero total weight).
 *
 * @example
 * wassersteinDistance([3, 3, 3], [5, 5]); // 2
 */
export function wassersteinDistance(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: WassersteinOptions = {},
): number {
  const a: Weighted = options.referenceWeights
    ? weightedSorted(reference, options.referenceWeights, 'reference')
    : ((s) => ({ values: s, weights: null, total: s.length }))(sortedWithoutNaN(reference));
  const b: Weighted = options.currentWeights
    ? weightedSorted(current, options.currentWeights, 'current')
    : ((s) => ({ values: s, weights: null, total: s.length }))(sortedWithoutNaN(current));
  if (!(a.total > 0 && b.total > 0)) return Number.NaN;
  return cdfDistance(a, b);
}

/**
 * wassersteinFromValueCounts returns W1 between two pre-aggregated samples (exact: equals
 * wassersteinDistance on the expanded samples).
 *
 * @example
 * wassersteinFromValueCounts({ values: [0, 1], counts: [1, 1] }, { values: [1, 2], counts: [1, 1] }); // 1
 */
export function wassersteinFromValueCounts(reference: ValueCounts, current: ValueCounts): number {
  assertValueCounts(reference, 'reference');
  assertValueCounts(current, 'current');
  const a = { values: reference.values, weights: reference.counts, total: totalCount(reference) };
  const b = { values: current.values, weights: current.counts, total: totalCount(current) };
  if (!(a.total > 0 && b.total > 0)) return Number.NaN;
  return cdfDistance(a, b);
}

/**
 * wassersteinFromCounts returns W1 between two count vectors over shared bins placed at the
 * ascending `support` positions (e.g. bin midpoints, or the distinct values themselves).
 *
 * @example
 * wassersteinFromCounts([0, 1, 2], [1, 1, 0], [0, 1, 1]); // 1
 */
export function wassersteinFromCounts(
  support: ArrayLike<number>,
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): number {
  if (support.length !== referenceCounts.length || support.length !== currentCounts.length) {
    throw new RangeError('support, reference and current must have the same length');
  }
  for (let i = 1; i < support.length; i++) {
    if (!(support[i]! > support[i - 1]!)) throw new RangeError('support must be strictly ascending');
  }
  const total = (c: ArrayLike<number>): number => {
    let t = 0;
    for (let i = 0; i < c.length; i++) {
      if (!(c[i]! >= 0)) throw new RangeError('counts must be non-negative');
      t += c[i]!;
    }
    return t;
  };
  const a = { values: support, weights: referenceCounts, total: total(referenceCounts) };
  const b = { values: support, weights: currentCounts, total: total(currentCounts) };
  if (!(a.total > 0 && b.total > 0)) return Number.NaN;
  return cdfDistance(a, b);
}

function moments(values: ArrayLike<number>, weights: ArrayLike<number> | null): WassersteinSide {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    const v = values[i]!;
    if (w === 0 || Number.isNaN(v)) continue;
    n += w;
    sum += w * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  // Two-pass: squares of deviations, not E[x²] − E[x]², which loses every digit of σ at 1e9 + N(0, 1).
  for (let i = 0; i < values.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    const v = values[i]!;
    if (w === 0 || Number.isNaN(v)) continue;
    ss += w * (v - mean) ** 2;
  }
  return { n, mean, std: Math.sqrt(ss / n), min, max };
}

/** WassersteinSide is what the normaliser needs of one side (a NumericSide has these fields). */
export interface WassersteinSide {
  readonly n: number;
  readonly mean: number;
  /** Population standard deviation (ddof 0). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/**
 * wassersteinScale returns what W1 is divided by: the reference std, unless it is numerically
 * zero (≤ ZERO_STD_RELATIVE · the reference's largest magnitude); then the pooled population std
 * of both sides (0 when both are the same constant). See the header for why, with numbers.
 *
 * @example
 * wassersteinScale({ n: 2, mean: 1, std: 1, min: 0, max: 2 }, { n: 2, mean: 2, std: 1, min: 1, max: 3 }); // 1
 * wassersteinScale({ n: 2, mean: 5, std: 0, min: 5, max: 5 }, { n: 1, mean: 6, std: 0, min: 6, max: 6 }); // 0.4714…
 */
export function wassersteinScale(reference: WassersteinSide, current: WassersteinSide): number {
  const magnitude = Math.max(Math.abs(reference.min), Math.abs(reference.max));
  if (reference.std > ZERO_STD_RELATIVE * magnitude) return reference.std;
  const n = reference.n + current.n;
  const mean = (reference.n * reference.mean + current.n * current.mean) / n;
  const part = (s: WassersteinSide) => s.n * (s.std ** 2 + (s.mean - mean) ** 2);
  return Math.sqrt((part(reference) + part(current)) / n);
}

/**
 * wassersteinNormedFrom divides a W1 by wassersteinScale; 0 when W1 is 0 (also for two
 * identical constants, where the scale is 0 too).
 *
 * @example
 * wassersteinNormedFrom(1e-5, { n: 2, mean: 0, std: 1e-5, min: -1e-5, max: 1e-5 }, current); // 1
 */
export function wassersteinNormedFrom(
  raw: number,
  reference: WassersteinSide,
  current: WassersteinSide,
): number {
  if (raw === 0) return 0;
  return raw / wassersteinScale(reference, current);
}

/**
 * wassersteinNormed returns W1 divided by the population std of the reference
 * (wassersteinScale: the pooled std when the reference is constant).
 *
 * @example
 * wassersteinNormed([0, 2], [1, 3]); // 1 / 1 = 1
 */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const ref = sortedWithoutNaN(reference);
  const cur = sortedWithoutNaN(current);
  const distance = wassersteinDistance(ref, cur);
  if (Number.isNaN(distance)) return distance;
  return wassersteinNormedFrom(distance, moments(ref, null), moments(cur, null));
}

/**
 * wassersteinNormedFromValueCounts is wassersteinNormed on pre-aggregated samples.
 *
 * @example
 * wassersteinNormedFromValueCounts({ values: [0, 2], counts: [1, 1] }, { values: [1, 3], counts: [1, 1] }); // 1
 */
export function wassersteinNormedFromValueCounts(reference: ValueCounts, current: ValueCounts): number {
  const distance = wassersteinFromValueCounts(reference, current);
  if (Number.isNaN(distance)) return distance;
  return wassersteinNormedFrom(
    distance,
    moments(reference.values, reference.counts),
    moments(current.values, current.counts),
  );
}
