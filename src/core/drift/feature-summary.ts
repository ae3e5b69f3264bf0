/*
 * FeatureSummary: the input contract of the drift layer, one per feature, holding both sides
 * (reference and current) as aggregates ClickHouse can compute without shipping raw rows.
 *
 * Numeric feature (every count excludes missing values unless named `missing`):
 *   side  = { n, missing, mean, std (population, ddof 0: stddevPop), min, max,
 *             valueCounts? (sorted distinct values with counts: `GROUP BY value`; leave it out
 *             when the column has too many distinct values to ship),
 *             quantiles? (a quantile sketch: the side's quantiles at levels (i + 0.5)/m,
 *             i = 0…m−1, e.g. m = 1000 from quantilesExact or quantilesTDigest; the accurate
 *             stand-in for value counts, same m on both sides) }
 *   bins  = { edges: inner edges from the reference quantiles (core/stats quantileEdges: deciles,
 *             unique, first and last dropped), reference, current: counts per bin, edges.length + 1
 *             of them, a value going to bin #{edges ≤ x} (numpy searchsorted 'right') }
 *   ksStatistic? = sup |F_ref − F_cur| computed exactly upstream, used when valueCounts are absent.
 * Categorical feature: side = { counts: category → count (Map or plain object), missing }.
 *
 * Which measure needs what (measures.ts says how each is computed):
 *   KS        valueCounts on both sides (exact), else ksStatistic, else quantiles, else the bins
 *   Wasserstein valueCounts (exact), else quantiles, else bin centres (coarse)
 *   Anderson–Darling valueCounts only (else null with a note)
 *   PSI/JS/KL/Hellinger/chi²/z/Cramér's V  the bins, or the distinct values when a numeric
 *             feature has at most DISCRETE_MAX_VALUES of them (decile bins would merge them)
 *
 * assertFeatureSummary checks the arithmetic that ties the pieces together (bins and value counts
 * add up to n), because an aggregation bug upstream would otherwise surface as a wrong verdict.
 */
import type { ValueCounts } from '../stats/index.js';

/** FeatureType is the kind of a feature as the drift layer treats it. */
export type FeatureType = 'numeric' | 'categorical';

/** CountsLike is a count per category, as a Map or a plain object (JSON from the store). */
export type CountsLike = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** NumericSide summarises one side (reference or current) of a numeric feature. */
export interface NumericSide {
  /** Non-missing observations. */
  readonly n: number;
  readonly missing: number;
  readonly mean: number;
  /** Population standard deviation (ddof = 0), as ClickHouse stddevPop. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Exact distinct values with counts; absent when there are too many to ship. */
  readonly valueCounts?: ValueCounts;
  /** Quantiles at levels (i + 0.5)/m, i = 0…m−1, ascending; same m on both sides. */
  readonly quantiles?: ArrayLike<number>;
}

/** SharedBins are both sides' counts over the reference-quantile bins. */
export interface SharedBins {
  /** Inner edges, strictly ascending; bins are (−∞, e0), [e0, e1), …, [e_last, +∞]. */
  readonly edges: ArrayLike<number>;
  readonly reference: ArrayLike<number>;
  readonly current: ArrayLike<number>;
}

/** NumericFeatureSummary is the drift input of a numeric feature. */
export interface NumericFeatureSummary {
  readonly type: 'numeric';
  readonly reference: NumericSide;
  readonly current: NumericSide;
  readonly bins: SharedBins;
  /** The exact two-sample KS statistic, when computed upstream. */
  readonly ksStatistic?: number;
  /** The exact Wasserstein-1 distance, when computed upstream over every distinct value. */
  readonly wasserstein?: number;
}

/** CategoricalSide summarises one side of a categorical feature. */
export interface CategoricalSide {
  readonly counts: CountsLike;
  readonly missing: number;
}

/** CategoricalFeatureSummary is the drift input of a categorical feature. */
export interface CategoricalFeatureSummary {
  readonly type: 'categorical';
  readonly reference: CategoricalSide;
  readonly current: CategoricalSide;
}

/** FeatureSummary is the drift input of one feature: both sides, aggregated. */
export type FeatureSummary = NumericFeatureSummary | CategoricalFeatureSummary;

/**
 * countsMap returns a CountsLike as a Map (insertion order kept).
 *
 * @example
 * countsMap({ US: 3, FR: 1 }).get('US'); // 3
 */
export function countsMap(counts: CountsLike): Map<string, number> {
  if (counts instanceof Map) return new Map(counts);
  return new Map(Object.entries(counts as Readonly<Record<string, number>>));
}

function sumOf(xs: Iterable<number>): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function assertCount(x: number, what: string): void {
  if (!(Number.isFinite(x) && x >= 0)) throw new RangeError(`${what} must be a finite count ≥ 0, got ${x}`);
}

/**
 * sideCount returns the number of non-missing observations of one side.
 *
 * @example
 * sideCount({ counts: { a: 2, b: 3 }, missing: 1 }); // 5
 */
export function sideCount(side: NumericSide | CategoricalSide): number {
  return 'counts' in side ? sumOf(countsMap(side.counts).values()) : side.n;
}

function assertNumericSide(side: NumericSide, name: string, bins: ArrayLike<number>): void {
  assertCount(side.n, `${name}.n`);
  assertCount(side.missing, `${name}.missing`);
  const binTotal = sumOf(Array.from(bins));
  if (binTotal !== side.n)
    throw new RangeError(`${name}: bins hold ${binTotal} observations but n = ${side.n}`);
  const vc = side.valueCounts;
  if (vc !== undefined) {
    if (vc.values.length !== vc.counts.length) throw new RangeError(`${name}.valueCounts: lengths differ`);
    const total = sumOf(Array.from(vc.counts));
    if (total !== side.n)
      throw new RangeError(`${name}.valueCounts hold ${total} observations but n = ${side.n}`);
  }
  const q = side.quantiles;
  if (q !== undefined) {
    for (let i = 0; i < q.length; i++) {
      if (Number.isNaN(q[i]!) || (i > 0 && q[i]! < q[i - 1]!)) {
        throw new RangeError(`${name}.quantiles must ascend and not be NaN (index ${i})`);
      }
    }
  }
}

/**
 * assertFeatureSummary throws a RangeError when the parts of a summary disagree (bin counts or
 * value counts not adding up to n, bins of the wrong length, negative counts).
 *
 * @example
 * assertFeatureSummary(numericSummaryFromSamples([1, 2, 3], [2, 3, 4])); // ok
 */
export function assertFeatureSummary(feature: FeatureSummary): void {
  if (feature.type === 'categorical') {
    for (const [name, side] of [
      ['reference', feature.reference],
      ['current', feature.current],
    ] as const) {
      assertCount(side.missing, `${name}.missing`);
      for (const [k, c] of countsMap(side.counts)) assertCount(c, `${name}.counts['${k}']`);
    }
    return;
  }
  const { edges, reference, current } = feature.bins;
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) throw new RangeError('bins.edges must be strictly ascending');
  }
  if (reference.length !== edges.length + 1 || current.length !== edges.length + 1) {
    throw new RangeError(`bins need edges.length + 1 = ${edges.length + 1} counts per side`);
  }
  for (let i = 0; i < reference.length; i++) {
    assertCount(reference[i]!, `bins.reference[${i}]`);
    assertCount(current[i]!, `bins.current[${i}]`);
  }
  assertNumericSide(feature.reference, 'reference', reference);
  assertNumericSide(feature.current, 'current', current);
  const qr = feature.reference.quantiles;
  const qc = feature.current.quantiles;
  if (qr !== undefined && qc !== undefined && qr.length > 0 && qc.length > 0 && qr.length !== qc.length) {
    throw new RangeError(`quantiles: ${qr.length} levels in reference but ${qc.length} in current`);
  }
  if (feature.ksStatistic !== undefined && !(feature.ksStatistic >= 0 && feature.ksStatistic <= 1)) {
    throw new RangeError(`ksStatistic must be within [0, 1], got ${feature.ksStatistic}`);
  }
}
