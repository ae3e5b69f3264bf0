/*
 * Mergeable fixed-edge histogram of a numeric feature.
 *
 * Bins are defined by strictly ascending inner edges e_0 < … < e_{k−1}: bin 0 is (−∞, e_0),
 * bin i is [e_{i−1}, e_i), bin k is [e_{k−1}, +∞]; a value goes to searchsorted(edges, x,
 * 'right'), the PSI convention of the reference vectors. NaN is counted in `missing`, a bin of
 * its own. In production ClickHouse builds one histogram per time bucket with the edges of the
 * reference; `mergeHistograms` rolls buckets up. Merge adds counts bin by bin, so it is
 * associative and commutative, and merging equals recording everything into one histogram.
 *
 * Algebra (as OpenTelemetry's Aggregator): create(edges) is the identity of merge;
 * merge(a, b) = merge(b, a); merge(merge(a, b), c) = merge(a, merge(b, c));
 * diff(merge(a, b), b) = a.
 *
 * References: numpy.searchsorted(side='right') for binning; OpenTelemetry sdk-metrics
 * `Aggregator` for the create/record/merge/diff algebra. Epsilon: none (counts are exact).
 */

/** Histogram holds counts over fixed bins; `record*` mutate it, merge/diff return new ones. */
export interface Histogram {
  /** Inner edges, strictly ascending; there are edges.length + 1 bins. */
  readonly edges: Float64Array;
  readonly counts: Float64Array;
  /** NaN observations. */
  missing: number;
}

function assertEdges(edges: ArrayLike<number>): void {
  // i < edges.length bounds every index.
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (Number.isNaN(e) || (i > 0 && !(e > edges[i - 1]!))) {
      throw new RangeError(`histogram edges must be strictly ascending and not NaN (index ${i})`);
    }
  }
}

function assertSameEdges(a: Histogram, b: Histogram): void {
  const same = a.edges.length === b.edges.length && a.edges.every((e, i) => e === b.edges[i]);
  if (!same) throw new RangeError('histograms have different edges');
}

/**
 * createHistogram returns an empty histogram with the given inner edges.
 *
 * @example
 * const h = createHistogram([0, 10]); // bins (−∞, 0), [0, 10), [10, +∞]
 */
export function createHistogram(edges: ArrayLike<number>): Histogram {
  assertEdges(edges);
  return { edges: Float64Array.from(edges), counts: new Float64Array(edges.length + 1), missing: 0 };
}

/**
 * binIndex returns the bin of `x`: the number of edges ≤ x (numpy searchsorted 'right').
 * NaN has no bin; callers count it as missing.
 *
 * @example
 * binIndex([0, 10], 10); // 2
 */
export function binIndex(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // lo ≤ mid < hi ≤ edges.length.
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * recordValue adds `count` observations of `x` to the histogram (NaN goes to `missing`).
 *
 * @example
 * recordValue(h, 3.5);
 */
export function recordValue(h: Histogram, x: number, count = 1): void {
  if (Number.isNaN(x)) h.missing += count;
  else h.counts[binIndex(h.edges, x)]! += count;
}

/**
 * recordValues adds every value of `xs` to the histogram.
 *
 * @example
 * recordValues(h, [1, 2, Number.NaN]);
 */
export function recordValues(h: Histogram, xs: ArrayLike<number>): void {
  // i < xs.length bounds every index.
  for (let i = 0; i < xs.length; i++) recordValue(h, xs[i]!);
}

/**
 * histogramOf returns a new histogram with the given edges holding `xs`.
 *
 * @example
 * histogramOf([0], [-1, 1, 2]).counts; // Float64Array [1, 2]
 */
export function histogramOf(edges: ArrayLike<number>, xs: ArrayLike<number>): Histogram {
  const h = createHistogram(edges);
  recordValues(h, xs);
  return h;
}

/**
 * mergeHistograms returns a new histogram with the counts of `a` and `b` added (same edges).
 *
 * @example
 * mergeHistograms(histogramOf([0], [-1]), histogramOf([0], [1])).counts; // [1, 1]
 */
export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  assertSameEdges(a, b);
  const counts = a.counts.map((c, i) => c + b.counts[i]!);
  return { edges: a.edges, counts, missing: a.missing + b.missing };
}

/**
 * diffHistograms returns `a − b` (same edges), e.g. to slide a window by removing its oldest
 * bucket. Throws when `b` holds more than `a` in some bin.
 *
 * @example
 * diffHistograms(mergeHistograms(x, y), y); // equals x
 */
export function diffHistograms(a: Histogram, b: Histogram): Histogram {
  assertSameEdges(a, b);
  const counts = a.counts.map((c, i) => c - b.counts[i]!);
  const missing = a.missing - b.missing;
  if (missing < 0 || counts.some((c) => c < 0))
    throw new RangeError('diffHistograms: b is not contained in a');
  return { edges: a.edges, counts, missing };
}

/**
 * sharedBinCounts returns the two count vectors over the bins of two histograms with the same
 * edges, with a trailing missing bin when either side has missing values. Every distance in
 * this folder (PSI, JS, KL, Hellinger, chi-square) takes this `(reference, current)` pair.
 *
 * @example
 * const { reference, current } = sharedBinCounts(refHistogram, curHistogram);
 * psiFromCounts(reference, current);
 */
export function sharedBinCounts(
  reference: Histogram,
  current: Histogram,
): { reference: Float64Array; current: Float64Array; missingBin: boolean } {
  assertSameEdges(reference, current);
  const missingBin = reference.missing > 0 || current.missing > 0;
  if (!missingBin)
    return { reference: reference.counts.slice(), current: current.counts.slice(), missingBin };
  const withMissing = (h: Histogram): Float64Array => {
    const out = new Float64Array(h.counts.length + 1);
    out.set(h.counts);
    out[h.counts.length] = h.missing;
    return out;
  };
  return { reference: withMissing(reference), current: withMissing(current), missingBin };
}
