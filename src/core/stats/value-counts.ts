/*
 * ValueCounts: a sample stored as its sorted distinct values with a count each.
 *
 * This is the exact, mergeable form of a numeric sample (the store counts each distinct value
 * per time bucket), on which KS, Wasserstein and the quantile bins run without the raw rows.
 * Merging is a sorted merge that adds counts, so it is associative and commutative and buckets
 * roll up to days exactly. NaN is kept aside in `missing`; ±Infinity are values.
 * Counts must be non-negative integers (exact in float64 up to 2^53). Epsilon: none.
 */
import { sortedWithoutNaN } from './sample.js';

/** ValueCounts is a sample as ascending distinct `values` with `counts[i]` copies of each. */
export interface ValueCounts {
  readonly values: ArrayLike<number>;
  readonly counts: ArrayLike<number>;
  /** Number of NaN (missing) observations; they are not in `values`. Default 0. */
  readonly missing?: number;
}

/**
 * valueCountsFromSample builds the ValueCounts of a raw sample (NaN counted as missing).
 *
 * @example
 * valueCountsFromSample([2, 1, 2, Number.NaN]);
 * // { values: Float64Array [1, 2], counts: Float64Array [1, 2], missing: 1 }
 */
export function valueCountsFromSample(xs: ArrayLike<number>): ValueCounts {
  const sorted = sortedWithoutNaN(xs);
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    // j < sorted.length bounds the index read.
    while (j < sorted.length && sorted[j] === v) j++;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return {
    values: Float64Array.from(values),
    counts: Float64Array.from(counts),
    missing: xs.length - sorted.length,
  };
}

/**
 * assertValueCounts throws a RangeError unless values ascend strictly (no NaN) and counts are
 * non-negative integers of the same length.
 *
 * @example
 * assertValueCounts({ values: [1, 2], counts: [3, 0] }, 'reference'); // ok
 */
export function assertValueCounts(vc: ValueCounts, name: string): void {
  const { values, counts } = vc;
  if (values.length !== counts.length) {
    throw new RangeError(`${name}: ${values.length} values but ${counts.length} counts`);
  }
  // i < values.length = counts.length bounds every index.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || (i > 0 && !(v > values[i - 1]!))) {
      throw new RangeError(`${name}: values must be strictly ascending and not NaN (index ${i})`);
    }
    const c = counts[i]!;
    if (!(Number.isInteger(c) && c >= 0)) {
      throw new RangeError(`${name}: counts[${i}] must be a non-negative integer, got ${c}`);
    }
  }
}

/**
 * totalCount returns the number of non-missing observations in a ValueCounts.
 *
 * @example
 * totalCount({ values: [1, 2], counts: [3, 4] }); // 7
 */
export function totalCount(vc: ValueCounts): number {
  let total = 0;
  for (let i = 0; i < vc.counts.length; i++) total += vc.counts[i]!;
  return total;
}

/**
 * mergeValueCounts returns the ValueCounts of the union of two samples (counts added).
 *
 * @example
 * mergeValueCounts({ values: [1, 3], counts: [1, 1] }, { values: [2, 3], counts: [5, 1] });
 * // { values: [1, 2, 3], counts: [1, 5, 2], missing: 0 }
 */
export function mergeValueCounts(a: ValueCounts, b: ValueCounts): ValueCounts {
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  // Each branch reads a.values[i] / b.values[j] only while i, j are below their lengths.
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? a.values[i]! : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? b.values[j]! : Number.POSITIVE_INFINITY;
    if (j >= b.values.length || (i < a.values.length && va < vb)) {
      values.push(va);
      counts.push(a.counts[i++]!);
    } else if (i >= a.values.length || vb < va) {
      values.push(vb);
      counts.push(b.counts[j++]!);
    } else {
      values.push(va);
      counts.push(a.counts[i++]! + b.counts[j++]!);
    }
  }
  return {
    values: Float64Array.from(values),
    counts: Float64Array.from(counts),
    missing: (a.missing ?? 0) + (b.missing ?? 0),
  };
}
