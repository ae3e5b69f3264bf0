/*
 * Mergeable counts of a categorical feature, and their alignment over shared categories.
 *
 * `null`/`undefined` are missing values, counted in `missing` and aligned as a category of their
 * own (`null` in the aligned list). Merge adds counts per category: associative, commutative,
 * and equal to recording everything into one. Categories are strings; callers stringify
 * booleans and numbers consistently before recording. Epsilon: none (counts are exact).
 */

/** CategoricalCounts holds a count per category plus missing values. */
export interface CategoricalCounts {
  readonly counts: Map<string, number>;
  missing: number;
}

/**
 * createCategoricalCounts returns empty counts (the identity of merge).
 *
 * @example
 * const c = createCategoricalCounts();
 */
export function createCategoricalCounts(): CategoricalCounts {
  return { counts: new Map(), missing: 0 };
}

/**
 * recordCategory adds `count` observations of `value` (null/undefined → missing).
 *
 * @example
 * recordCategory(c, 'US');
 */
export function recordCategory(c: CategoricalCounts, value: string | null | undefined, count = 1): void {
  if (value === null || value === undefined) c.missing += count;
  else c.counts.set(value, (c.counts.get(value) ?? 0) + count);
}

/**
 * categoricalCountsOf returns the counts of a list of values.
 *
 * @example
 * categoricalCountsOf(['a', 'b', 'a', null]); // a: 2, b: 1, missing: 1
 */
export function categoricalCountsOf(values: Iterable<string | null | undefined>): CategoricalCounts {
  const c = createCategoricalCounts();
  for (const v of values) recordCategory(c, v);
  return c;
}

/**
 * mergeCategoricalCounts returns new counts with `a` and `b` added.
 *
 * @example
 * mergeCategoricalCounts(categoricalCountsOf(['a']), categoricalCountsOf(['a', 'b']));
 */
export function mergeCategoricalCounts(a: CategoricalCounts, b: CategoricalCounts): CategoricalCounts {
  const out: CategoricalCounts = { counts: new Map(a.counts), missing: a.missing + b.missing };
  for (const [k, v] of b.counts) out.counts.set(k, (out.counts.get(k) ?? 0) + v);
  return out;
}

/**
 * diffCategoricalCounts returns `a − b`, dropping categories that reach zero. Throws when `b`
 * holds more of a category than `a`.
 *
 * @example
 * diffCategoricalCounts(mergeCategoricalCounts(x, y), y); // equals x
 */
export function diffCategoricalCounts(a: CategoricalCounts, b: CategoricalCounts): CategoricalCounts {
  const out: CategoricalCounts = { counts: new Map(a.counts), missing: a.missing - b.missing };
  for (const [k, v] of b.counts) {
    const left = (out.counts.get(k) ?? 0) - v;
    if (left < 0) throw new RangeError(`diffCategoricalCounts: b has more '${k}' than a`);
    if (left === 0) out.counts.delete(k);
    else out.counts.set(k, left);
  }
  if (out.missing < 0) throw new RangeError('diffCategoricalCounts: b has more missing values than a');
  return out;
}

/** AlignedCategories are two count vectors over the same categories. */
export interface AlignedCategories {
  /** Sorted category names; `null` (last, only when present) is the missing bin. */
  readonly categories: ReadonlyArray<string | null>;
  readonly reference: Float64Array;
  readonly current: Float64Array;
  /** Categories seen in current but not in reference (sorted). */
  readonly newCategories: readonly string[];
}

/**
 * alignCategories lays both counts over the union of their categories (sorted by code unit,
 * missing last), so any binned distance can run on them.
 *
 * @example
 * const a = alignCategories(categoricalCountsOf(['a', 'b']), categoricalCountsOf(['b', 'c']));
 * // a.categories = ['a', 'b', 'c'], a.reference = [1, 1, 0], a.current = [0, 1, 1], a.newCategories = ['c']
 */
export function alignCategories(reference: CategoricalCounts, current: CategoricalCounts): AlignedCategories {
  const names = [...new Set([...reference.counts.keys(), ...current.counts.keys()])].sort((x, y) =>
    x < y ? -1 : x > y ? 1 : 0,
  );
  const categories: Array<string | null> = [...names];
  if (reference.missing > 0 || current.missing > 0) categories.push(null);
  const vector = (c: CategoricalCounts): Float64Array =>
    Float64Array.from(categories, (k) => (k === null ? c.missing : (c.counts.get(k) ?? 0)));
  return {
    categories,
    reference: vector(reference),
    current: vector(current),
    newCategories: names.filter((k) => !reference.counts.has(k)),
  };
}
