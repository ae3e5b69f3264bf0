/*
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions:
 *
 *   W1(u, v) = ∫ |U(t) − V(t)| dt
 *
 * with U, V the (weighted) empirical CDFs, as scipy.stats.wasserstein_distance (scipy 1.10,
 * `_cdf_distance` with p = 1): one pass over the pooled sorted values summing
 * |U(x_k) − V(x_k)| · (x_{k+1} − x_k). Weights need not sum to 1 (each side is normalised).
 *
 * Normalised variant (epsilon: the 0.001 floor): W1 / max(σ_ref, 0.001), σ_ref the population (ddof = 0) standard
 * deviation of the reference, as Evidently's `wasserstein` drift method; the 0.001 floor keeps a
 * constant reference from dividing by zero and is scale-dependent, so read the raw distance too.
 *
 * NaN values are dropped (missing). ±Infinity: an interval of infinite length between CDFs that
 * differ makes the distance +Infinity; where the CDFs agree it contributes 0 (not NaN).
 */
import { sortedWithoutNaN } from './sample.js';
import { assertValueCounts, totalCount, type ValueCounts } from './value-counts.js';

/** WASSERSTEIN_STD_FLOOR is the smallest reference standard deviation used to normalise. */
export const WASSERSTEIN_STD_FLOOR = 0.001;

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

function populationStd(values: ArrayLike<number>, weights: ArrayLike<number> | null): number {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    total += w;
    sum += w * values[i]!;
  }
  const mean = sum / total;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights === null ? 1 : weights[i]!;
    ss += w * (values[i]! - mean) ** 2;
  }
  return Math.sqrt(ss / total);
}

/**
 * wassersteinNormed returns W1 divided by max(population std of the reference, 0.001).
 *
 * @example
 * wassersteinNormed([0, 2], [1, 3]); // 1 / 1 = 1
 */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const ref = sortedWithoutNaN(reference);
  const distance = wassersteinDistance(ref, current);
  return distance / Math.max(populationStd(ref, null), WASSERSTEIN_STD_FLOOR);
}

/**
 * wassersteinNormedFromValueCounts is wassersteinNormed on pre-aggregated samples.
 *
 * @example
 * wassersteinNormedFromValueCounts({ values: [0, 2], counts: [1, 1] }, { values: [1, 3], counts: [1, 1] }); // 1
 */
export function wassersteinNormedFromValueCounts(reference: ValueCounts, current: ValueCounts): number {
  const distance = wassersteinFromValueCounts(reference, current);
  return distance / Math.max(populationStd(reference.values, reference.counts), WASSERSTEIN_STD_FLOOR);
}
