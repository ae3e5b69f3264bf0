/*
 * QualityProfile: what the data-quality checks need to know about one feature in one window
 * (the reference, the current range, or one time bucket), all of it aggregates ClickHouse
 * computes per feature key (countIf over num_keys / cat_keys / null_keys, min, max, uniq,
 * GROUP BY value) without shipping rows.
 *
 *   rows         records in the window (a record without the feature counts as missing)
 *   numeric      records where the feature held a number
 *   categorical  records where it held a string or boolean
 *   missing      = rows − numeric − categorical
 *   min, max     over the numeric values
 *   distinct     distinct present values (exact or uniq()'s estimate)
 *   categories   count per category (categorical values)
 *   valueCounts  exact numeric value counts (core/stats ValueCounts)
 *   outOfRange   current windows only: numeric values outside the reference [min, max], counted
 *                upstream with the reference's extremes (when valueCounts are not shipped)
 */

import type { CountsLike } from '../drift/index.js';
import { type ValueCounts, valueCountsFromSample } from '../stats/index.js';

export type { CountsLike };

/** QualityProfile summarises one feature in one window. */
export interface QualityProfile {
  readonly rows: number;
  readonly numeric: number;
  readonly categorical: number;
  readonly min?: number;
  readonly max?: number;
  readonly distinct?: number;
  readonly categories?: CountsLike;
  readonly valueCounts?: ValueCounts;
  readonly outOfRange?: number;
}

/**
 * categoryMap returns the positive category counts of a profile as a Map (empty when absent).
 *
 * @example
 * categoryMap({ rows: 2, numeric: 0, categorical: 2, categories: { a: 2, b: 0 } }); // Map { a: 2 }
 */
export function categoryMap(p: QualityProfile): Map<string, number> {
  const c = p.categories;
  if (c === undefined) return new Map();
  const entries = c instanceof Map ? [...c.entries()] : Object.entries(c as Readonly<Record<string, number>>);
  return new Map(entries.filter(([, n]) => n > 0));
}

/**
 * missingCount returns rows − numeric − categorical.
 *
 * @example
 * missingCount({ rows: 10, numeric: 7, categorical: 1 }); // 2
 */
export function missingCount(p: QualityProfile): number {
  return p.rows - p.numeric - p.categorical;
}

/**
 * dominantType returns the type most present values have, or null without values.
 *
 * @example
 * dominantType({ rows: 10, numeric: 7, categorical: 1 }); // 'numeric'
 */
export function dominantType(p: QualityProfile): 'numeric' | 'categorical' | null {
  if (p.numeric === 0 && p.categorical === 0) return null;
  return p.numeric >= p.categorical ? 'numeric' : 'categorical';
}

/**
 * distinctCount returns the number of distinct present values from whichever field knows it
 * (distinct, else categories + value counts, else min = max for a purely numeric window), or
 * null when unknown.
 *
 * @example
 * distinctCount({ rows: 3, numeric: 3, categorical: 0, min: 4, max: 4 }); // 1
 */
export function distinctCount(p: QualityProfile): number | null {
  if (p.distinct !== undefined) return p.distinct;
  const cats = p.categories === undefined ? null : categoryMap(p).size;
  let values: number | null = null;
  if (p.valueCounts !== undefined) {
    values = 0;
    for (let i = 0; i < p.valueCounts.counts.length; i++) if (p.valueCounts.counts[i]! > 0) values++;
  }
  if (cats !== null || values !== null) {
    // A type the profile has no breakdown for leaves the total unknown.
    if ((p.categorical > 0 && cats === null) || (p.numeric > 0 && values === null)) return null;
    return (cats ?? 0) + (values ?? 0);
  }
  if (p.categorical === 0 && p.numeric > 0 && p.min !== undefined && p.min === p.max) return 1;
  return null;
}

/**
 * assertQualityProfile throws a RangeError for negative counts or more typed values than rows.
 *
 * @example
 * assertQualityProfile({ rows: 1, numeric: 2, categorical: 0 }); // throws
 */
export function assertQualityProfile(p: QualityProfile, name = 'profile'): void {
  for (const [k, v] of [
    ['rows', p.rows],
    ['numeric', p.numeric],
    ['categorical', p.categorical],
    ['outOfRange', p.outOfRange ?? 0],
    ['distinct', p.distinct ?? 0],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`${name}.${k} must be a finite count ≥ 0, got ${v}`);
  }
  if (p.numeric + p.categorical > p.rows) {
    throw new RangeError(
      `${name}: ${p.numeric} numeric + ${p.categorical} categorical values exceed ${p.rows} rows`,
    );
  }
}

/**
 * profileOf builds a QualityProfile from raw values (tests, small files): numbers (NaN =
 * missing), strings and booleans (categorical, booleans as 'true'/'false'), null/undefined.
 *
 * @example
 * profileOf([1, 2, 'n/a', null]); // rows 4, numeric 2, categorical 1, min 1, max 2
 */
export function profileOf(
  values: ReadonlyArray<number | string | boolean | null | undefined>,
): QualityProfile {
  const numbers: number[] = [];
  const categories = new Map<string, number>();
  for (const v of values) {
    if (typeof v === 'number') {
      if (!Number.isNaN(v)) numbers.push(v);
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      const k = String(v);
      categories.set(k, (categories.get(k) ?? 0) + 1);
    }
  }
  const categorical = [...categories.values()].reduce((s, c) => s + c, 0);
  const base = { rows: values.length, numeric: numbers.length, categorical, categories };
  if (numbers.length === 0) return base;
  const valueCounts = valueCountsFromSample(numbers);
  return {
    ...base,
    valueCounts,
    // numbers is non-empty here, so its value counts have a first and a last value.
    min: valueCounts.values[0]!,
    max: valueCounts.values[valueCounts.values.length - 1]!,
  };
}
