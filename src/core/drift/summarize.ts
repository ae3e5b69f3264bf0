/*
 * Builders of FeatureSummary from raw samples (tests, small files) and from exact value counts
 * (what a `GROUP BY value` returns), so both paths produce exactly what the ClickHouse
 * aggregation is specified to produce (feature-summary.ts).
 *
 * Bin edges are the PSI convention of core/stats quantileEdges: reference quantiles at
 * 0, 1/B, …, 1 (numpy 'linear', Hyndman & Fan type 7), unique, first and last dropped. From value
 * counts the quantiles are read off the cumulative counts without expanding the sample, with the
 * same two-sided lerp as numpy, so the edges equal quantileEdges on the expanded sample bit for bit
 * (summarize.test.ts checks it). Standard deviations are population ones (ddof 0). Epsilon: none.
 */
import { binIndex, categoricalCountsOf, type ValueCounts, valueCountsFromSample } from '../stats/index.js';
import type {
  CategoricalFeatureSummary,
  NumericFeatureSummary,
  NumericSide,
  SharedBins,
} from './feature-summary.js';

/** SummaryOptions configure the numeric builders. */
export interface SummaryOptions {
  /** Reference-quantile bins before ties merge them. Default 10 (the PSI convention). */
  readonly bins?: number;
  /** Keep the value counts in the summary (exact KS, Wasserstein, Anderson–Darling). Default true. */
  readonly keepValueCounts?: boolean;
  /** Add quantile sketches with this many levels (feature-summary.ts). Default none. */
  readonly quantiles?: number;
}

/** DEFAULT_BINS is the number of reference-quantile bins (deciles), as the PSI convention. */
export const DEFAULT_BINS = 10;

function lerp(a: number, b: number, t: number): number {
  if (a === b) return a;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// The k-th smallest observation (0-based) of a value-counts sample, for ascending k only:
// `cursor` carries the scan position between calls so all quantiles cost one pass.
function orderStatistic(vc: ValueCounts, k: number, cursor: { i: number; below: number }): number {
  // cursor.i < values.length while observations k < n remain, so the reads are in bounds.
  while (cursor.below + vc.counts[cursor.i]! <= k) {
    cursor.below += vc.counts[cursor.i]!;
    cursor.i++;
  }
  return vc.values[cursor.i]!;
}

/**
 * quantileEdgesFromValueCounts returns the inner reference-quantile edges of a value-counts
 * sample, equal to core/stats quantileEdges on the expanded sample.
 *
 * @example
 * quantileEdgesFromValueCounts({ values: [0, 1, 2, 3], counts: [2, 2, 2, 2] }, 4); // [1, 2]
 */
export function quantileEdgesFromValueCounts(vc: ValueCounts, bins = DEFAULT_BINS): Float64Array {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  let n = 0;
  for (let i = 0; i < vc.counts.length; i++) n += vc.counts[i]!;
  if (n === 0) return new Float64Array(0);
  const cursor = { i: 0, below: 0 };
  const unique: number[] = [];
  for (let q = 0; q <= bins; q++) {
    // Levels as numpy.linspace makes them: q·(1/bins), the last exactly 1.
    const level = q === bins ? 1 : q * (1 / bins);
    const virtual = (n - 1) * level;
    let edge: number;
    if (virtual >= n - 1) edge = orderStatistic(vc, n - 1, cursor);
    else {
      const lo = Math.floor(virtual);
      const a = orderStatistic(vc, lo, cursor);
      const save = { ...cursor };
      const b = orderStatistic(vc, lo + 1, cursor);
      // The next level may need order statistic lo again; rewind to where lo was found.
      cursor.i = save.i;
      cursor.below = save.below;
      edge = lerp(a, b, virtual - lo);
    }
    if (unique.length === 0 || edge !== unique[unique.length - 1]) unique.push(edge);
  }
  return Float64Array.from(unique.slice(1, -1));
}

/**
 * binCountsFromValueCounts counts a value-counts sample into the bins of `edges`.
 *
 * @example
 * binCountsFromValueCounts({ values: [0, 1, 2], counts: [1, 1, 1] }, [1]); // [1, 2]
 */
export function binCountsFromValueCounts(vc: ValueCounts, edges: ArrayLike<number>): Float64Array {
  const out = new Float64Array(edges.length + 1);
  // binIndex returns 0…edges.length, a valid bin; values and counts share their length.
  for (let i = 0; i < vc.values.length; i++) out[binIndex(edges, vc.values[i]!)]! += vc.counts[i]!;
  return out;
}

/**
 * quantileSketchFromValueCounts returns the quantiles at levels (i + 0.5)/m, i = 0…m−1
 * (numpy 'linear'), the `quantiles` field of a NumericSide; empty for an empty sample.
 *
 * @example
 * quantileSketchFromValueCounts({ values: [0, 10], counts: [1, 1] }, 2); // [2.5, 7.5]
 */
export function quantileSketchFromValueCounts(vc: ValueCounts, m: number): Float64Array {
  if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`m must be a positive integer, got ${m}`);
  let n = 0;
  for (let i = 0; i < vc.counts.length; i++) n += vc.counts[i]!;
  if (n === 0) return new Float64Array(0);
  const out = new Float64Array(m);
  const cursor = { i: 0, below: 0 };
  for (let q = 0; q < m; q++) {
    const virtual = (n - 1) * ((q + 0.5) / m);
    const lo = Math.floor(virtual);
    const a = orderStatistic(vc, lo, cursor);
    const save = { ...cursor };
    const b = lo + 1 < n ? orderStatistic(vc, lo + 1, cursor) : a;
    cursor.i = save.i;
    cursor.below = save.below;
    out[q] = lerp(a, b, virtual - lo);
  }
  return out;
}

/**
 * numericSideFromValueCounts derives n, mean, population std, min and max from value counts.
 *
 * @example
 * numericSideFromValueCounts({ values: [1, 3], counts: [1, 1] }); // n 2, mean 2, std 1, min 1, max 3
 */
export function numericSideFromValueCounts(vc: ValueCounts, keepValueCounts = true): NumericSide {
  let n = 0;
  let sum = 0;
  let min = Number.NaN;
  let max = Number.NaN;
  // values and counts share their length, i bounds both.
  for (let i = 0; i < vc.values.length; i++) {
    const c = vc.counts[i]!;
    if (c === 0) continue;
    const v = vc.values[i]!;
    if (Number.isNaN(min)) min = v;
    max = v;
    n += c;
    sum += c * v;
  }
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < vc.values.length; i++) ss += vc.counts[i]! * (vc.values[i]! - mean) ** 2;
  const side = { n, missing: vc.missing ?? 0, mean, std: n > 0 ? Math.sqrt(ss / n) : Number.NaN, min, max };
  return keepValueCounts ? { ...side, valueCounts: vc } : side;
}

/**
 * numericSummaryFromValueCounts builds a numeric FeatureSummary from both sides' value counts,
 * with bins on the reference quantiles.
 *
 * @example
 * const f = numericSummaryFromValueCounts(
 *   { values: [1, 2, 3], counts: [5, 5, 5] },
 *   { values: [2, 3, 4], counts: [5, 5, 5] },
 * );
 */
export function numericSummaryFromValueCounts(
  reference: ValueCounts,
  current: ValueCounts,
  options: SummaryOptions = {},
): NumericFeatureSummary {
  const edges = quantileEdgesFromValueCounts(reference, options.bins ?? DEFAULT_BINS);
  const bins: SharedBins = {
    edges,
    reference: binCountsFromValueCounts(reference, edges),
    current: binCountsFromValueCounts(current, edges),
  };
  const keep = options.keepValueCounts ?? true;
  const side = (vc: ValueCounts): NumericSide => {
    const s = numericSideFromValueCounts(vc, keep);
    const m = options.quantiles;
    return m === undefined || s.n === 0 ? s : { ...s, quantiles: quantileSketchFromValueCounts(vc, m) };
  };
  return { type: 'numeric', reference: side(reference), current: side(current), bins };
}

/**
 * numericSummaryFromSamples builds a numeric FeatureSummary from raw samples (NaN = missing).
 *
 * @example
 * numericSummaryFromSamples([1, 2, 3, Number.NaN], [2, 3, 4]).reference.missing; // 1
 */
export function numericSummaryFromSamples(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: SummaryOptions = {},
): NumericFeatureSummary {
  return numericSummaryFromValueCounts(
    valueCountsFromSample(reference),
    valueCountsFromSample(current),
    options,
  );
}

/**
 * categoricalSummaryFromSamples builds a categorical FeatureSummary from raw values
 * (null/undefined = missing).
 *
 * @example
 * categoricalSummaryFromSamples(['a', 'b', null], ['a', 'c']).current.counts; // Map { a: 1, c: 1 }
 */
export function categoricalSummaryFromSamples(
  reference: Iterable<string | null | undefined>,
  current: Iterable<string | null | undefined>,
): CategoricalFeatureSummary {
  const r = categoricalCountsOf(reference);
  const c = categoricalCountsOf(current);
  return {
    type: 'categorical',
    reference: { counts: r.counts, missing: r.missing },
    current: { counts: c.counts, missing: c.missing },
  };
}
