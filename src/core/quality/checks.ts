/*
 * Data-quality checks of one feature: a current window (or time bucket) against the reference.
 * Each returns {status: 'ok' | 'warning' | 'fail', reason, value}; a check that cannot apply
 * (no reference, wrong type, missing aggregate) is 'ok' with a reason starting "n/a:".
 *
 * Rates that have an expected level under "nothing changed" are judged twice, like the drift
 * defaults: the excess must be material (the thresholds below) AND unlikely by chance, an exact
 * binomial upper tail P(X ≥ x | n, p0) < 0.01 against that level, so a 3-row bucket with one
 * missing value does not fail and a 10^6-row window does not warn over 0.01%.
 *
 * Defaults (QUALITY_THRESHOLDS), with the level p0 each is tested against:
 * - missing share: warning at +0.05, fail at +0.20 over the reference share (p0 = the reference
 *   share, Laplace-smoothed (x + 1)/(n + 2) so a small clean reference is not taken as "never
 *   missing"); without a reference, warning at 0.10 and fail at 0.50, untested.
 * - type mismatch: warning when a window holds both numbers and strings; fail when its dominant
 *   type differs from the reference's.
 * - new categories: share of categorical rows in categories the reference never had: warning at
 *   0.01, fail at 0.05; p0 = the reference's Good–Turing unseen mass N1/N (N1 categories seen
 *   once; Good 1953, Biometrika 40), smoothed to (N1 + 1)/(N + 2): the share of new categories
 *   to expect from sampling alone. n/a when the reference had no categorical values at all.
 * - vanished categories: a reference category absent now although P(0 of m | p_c) = (1 − p_c)^m
 *   < 0.01: warning; fail when such categories held ≥ 0.05 of the reference.
 * - out of range: share of numeric values outside the reference [min, max]: warning at 0.01, fail
 *   at 0.05; p0 = 2/(n_ref + 1), the chance that a fresh draw of the same continuous
 *   distribution falls beyond the extremes of n_ref draws.
 * - constant: fail when the window has one distinct value and the reference had more; warning
 *   when it is constant and so was the reference (or there is none).
 * - cardinality jump: distinct values now vs expected from the reference distribution,
 *   E = Σ_c 1 − (1 − p_c)^m for m current values (so window size does not fake a jump); warning
 *   outside [1/2, 2]×E, fail outside [1/10, 10]×E, judged when max(observed, E) ≥ 10. Without
 *   reference counts only a fall in uniqueness (distinct/present) of a near-unique reference is
 *   judged, by the same ratios.
 */
import binomial from '@stdlib/stats-base-dists-binomial';
import { categoryMap, distinctCount, dominantType, missingCount, type QualityProfile } from './profile.js';

/** QualityStatus is a check's verdict. */
export type QualityStatus = 'ok' | 'warning' | 'fail';

/** QualityCheck is one check's verdict, its reason and its key number (null when n/a). */
export interface QualityCheck {
  readonly status: QualityStatus;
  readonly reason: string;
  readonly value: number | null;
}

/** QUALITY_THRESHOLDS are the default thresholds (see the module comment). */
export const QUALITY_THRESHOLDS = {
  missingIncrease: { warning: 0.05, fail: 0.2 },
  missingShare: { warning: 0.1, fail: 0.5 },
  newCategoryShare: { warning: 0.01, fail: 0.05 },
  vanishedShare: { fail: 0.05 },
  outOfRangeShare: { warning: 0.01, fail: 0.05 },
  cardinalityRatio: { warning: 2, fail: 10 },
  cardinalityMinDistinct: 10,
  /** Binomial tail below which an excess counts as more than chance. */
  significance: 0.01,
} as const;

/** QualityThresholds override any subset of QUALITY_THRESHOLDS. */
export type QualityThresholds = {
  readonly [K in keyof typeof QUALITY_THRESHOLDS]?: (typeof QUALITY_THRESHOLDS)[K];
};

type Thresholds = typeof QUALITY_THRESHOLDS;

const t = (o: QualityThresholds): Thresholds => ({ ...QUALITY_THRESHOLDS, ...o }) as Thresholds;
const ok = (reason: string, value: number | null = null): QualityCheck => ({ status: 'ok', reason, value });
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/**
 * upperTail returns P(X ≥ x) for X ~ Binomial(n, p): how surprising x or more events are.
 *
 * @example
 * upperTail(1, 3, 0.02); // 1 − 0.98³ ≈ 0.0588
 */
export function upperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  return Math.max(0, 1 - binomial.cdf(x - 1, n, Math.min(1, Math.max(0, p))));
}

// Material (share ≥ limit) and surprising (tail < significance) → the status of that level.
function grade(
  share: number,
  x: number,
  n: number,
  p0: number,
  limits: { readonly warning?: number; readonly fail: number },
  th: Thresholds,
): QualityStatus {
  if (upperTail(x, n, p0) >= th.significance) return 'ok';
  if (share >= limits.fail) return 'fail';
  return limits.warning !== undefined && share >= limits.warning ? 'warning' : 'ok';
}

/**
 * checkMissing judges the missing share of the window against the reference's.
 *
 * @example
 * checkMissing({ rows: 100, numeric: 60, categorical: 0 }, { rows: 1000, numeric: 990, categorical: 0 }).status; // 'fail'
 */
export function checkMissing(
  current: QualityProfile,
  reference: QualityProfile | null,
  o: QualityThresholds = {},
): QualityCheck {
  const th = t(o);
  if (current.rows === 0) return ok('n/a: no rows in the window');
  const x = missingCount(current);
  const share = x / current.rows;
  if (reference === null || reference.rows === 0) {
    const status: QualityStatus =
      share >= th.missingShare.fail ? 'fail' : share >= th.missingShare.warning ? 'warning' : 'ok';
    return { status, reason: `${pct(share)} missing (no reference)`, value: share };
  }
  const refMissing = missingCount(reference);
  const refShare = refMissing / reference.rows;
  const p0 = (refMissing + 1) / (reference.rows + 2);
  const increase = share - refShare;
  const status = grade(increase, x, current.rows, p0, th.missingIncrease, th);
  return { status, reason: `${pct(share)} missing vs ${pct(refShare)} in the reference`, value: share };
}

/**
 * checkTypes flags a window that mixes numbers and strings, and fails one whose dominant type
 * is not the reference's.
 *
 * @example
 * checkTypes({ rows: 10, numeric: 2, categorical: 8 }, { rows: 10, numeric: 10, categorical: 0 }).status; // 'fail'
 */
export function checkTypes(current: QualityProfile, reference: QualityProfile | null): QualityCheck {
  const now = dominantType(current);
  const before = reference === null ? null : dominantType(reference);
  if (now === null) return ok('n/a: no values in the window');
  if (before !== null && now !== before) {
    return { status: 'fail', reason: `mostly ${now} values now, ${before} in the reference`, value: null };
  }
  if (current.numeric > 0 && current.categorical > 0) {
    const minority = Math.min(current.numeric, current.categorical);
    const share = minority / (current.numeric + current.categorical);
    const kind = current.numeric < current.categorical ? 'numbers' : 'strings';
    return {
      status: 'warning',
      reason: `${minority} ${kind} among ${now} values (${pct(share)})`,
      value: share,
    };
  }
  return ok(`all values ${now}`);
}

/**
 * checkNewCategories judges the share of categorical rows in categories the reference lacks.
 *
 * @example
 * checkNewCategories(current, reference).reason; // '7.00% of values in 3 new categories: x, y, z'
 */
export function checkNewCategories(
  current: QualityProfile,
  reference: QualityProfile | null,
  o: QualityThresholds = {},
): QualityCheck {
  const th = t(o);
  if (reference === null || reference.categories === undefined || current.categories === undefined) {
    return ok('n/a: needs category counts of both windows');
  }
  const ref = categoryMap(reference);
  const cur = categoryMap(current);
  const total = [...cur.values()].reduce((s, c) => s + c, 0);
  if (total === 0) return ok('n/a: no categorical values in the window');
  const fresh = [...cur.entries()].filter(([k]) => !ref.has(k)).sort((a, b) => b[1] - a[1]);
  const x = fresh.reduce((s, [, c]) => s + c, 0);
  if (x === 0) return ok('no new categories', 0);
  const refTotal = [...ref.values()].reduce((s, c) => s + c, 0);
  if (refTotal === 0) return ok('n/a: the reference has no categorical values (see type_mismatch)');
  const singletons = [...ref.values()].filter((c) => c === 1).length;
  const p0 = (singletons + 1) / (refTotal + 2);
  const share = x / total;
  const names = fresh
    .slice(0, 10)
    .map(([k]) => k)
    .join(', ');
  return {
    status: grade(share, x, total, p0, th.newCategoryShare, th),
    reason: `${pct(share)} of values in ${fresh.length} new categories: ${names}${fresh.length > 10 ? ', …' : ''}`,
    value: share,
  };
}

/**
 * checkVanishedCategories flags reference categories that should have shown up and did not.
 *
 * @example
 * checkVanishedCategories(current, reference).reason; // "2 categories vanished (12.00% of the reference): b, c"
 */
export function checkVanishedCategories(
  current: QualityProfile,
  reference: QualityProfile | null,
  o: QualityThresholds = {},
): QualityCheck {
  const th = t(o);
  if (reference === null || reference.categories === undefined || current.categories === undefined) {
    return ok('n/a: needs category counts of both windows');
  }
  const ref = categoryMap(reference);
  const cur = categoryMap(current);
  const m = [...cur.values()].reduce((s, c) => s + c, 0);
  const refTotal = [...ref.values()].reduce((s, c) => s + c, 0);
  if (refTotal === 0) return ok('n/a: no categories in the reference');
  const gone: Array<[string, number]> = [];
  for (const [k, c] of ref) {
    const p = c / refTotal;
    // (1 − p)^m, the chance of not seeing the category at all, via log1p for tiny p.
    if (!cur.has(k) && Math.exp(m * Math.log1p(-p)) < th.significance) gone.push([k, p]);
  }
  if (gone.length === 0) return ok('no expected category is missing', 0);
  gone.sort((a, b) => b[1] - a[1]);
  const share = gone.reduce((s, [, p]) => s + p, 0);
  return {
    status: share >= th.vanishedShare.fail ? 'fail' : 'warning',
    reason: `${gone.length} categories vanished (${pct(share)} of the reference): ${gone
      .slice(0, 10)
      .map(([k]) => k)
      .join(', ')}${gone.length > 10 ? ', …' : ''}`,
    value: share,
  };
}

function countOutside(current: QualityProfile, lo: number, hi: number): number | null {
  if (current.outOfRange !== undefined) return current.outOfRange;
  const vc = current.valueCounts;
  if (vc === undefined) return null;
  let x = 0;
  // values and counts share their length, i bounds both.
  for (let i = 0; i < vc.values.length; i++) if (vc.values[i]! < lo || vc.values[i]! > hi) x += vc.counts[i]!;
  return x;
}

/**
 * checkOutOfRange judges the share of numeric values outside the reference [min, max].
 *
 * @example
 * checkOutOfRange({ rows: 100, numeric: 100, categorical: 0, outOfRange: 9 }, reference).status; // 'fail'
 */
export function checkOutOfRange(
  current: QualityProfile,
  reference: QualityProfile | null,
  o: QualityThresholds = {},
): QualityCheck {
  const th = t(o);
  if (reference?.min === undefined || reference.max === undefined || reference.numeric === 0) {
    return ok('n/a: needs the reference min and max');
  }
  if (current.numeric === 0) return ok('n/a: no numeric values in the window');
  const range = `[${reference.min}, ${reference.max}]`;
  const x = countOutside(current, reference.min, reference.max);
  if (x === null) {
    const outside =
      (current.min !== undefined && current.min < reference.min) ||
      (current.max !== undefined && current.max > reference.max);
    return outside
      ? { status: 'warning', reason: `values outside ${range} (share unknown: send outOfRange)`, value: null }
      : ok(`all values within ${range}`, 0);
  }
  const share = x / current.numeric;
  if (x === 0) return ok(`all values within ${range}`, 0);
  const p0 = 2 / (reference.numeric + 1);
  return {
    status: grade(share, x, current.numeric, p0, th.outOfRangeShare, th),
    reason: `${pct(share)} of values outside ${range}`,
    value: share,
  };
}

/**
 * checkConstant fails a feature that became constant and warns about one that always was.
 *
 * @example
 * checkConstant({ rows: 5, numeric: 5, categorical: 0, min: 1, max: 1 }, reference).status; // 'fail' if the reference varied
 */
export function checkConstant(current: QualityProfile, reference: QualityProfile | null): QualityCheck {
  const present = current.numeric + current.categorical;
  const d = distinctCount(current);
  if (present < 2) return ok('n/a: fewer than two values in the window');
  if (d === null) return ok('n/a: distinct count unknown');
  if (d > 1) return ok(`${d} distinct values`, d);
  const before = reference === null ? null : distinctCount(reference);
  if (before !== null && before > 1) {
    return { status: 'fail', reason: `constant now, ${before} distinct values in the reference`, value: 1 };
  }
  return { status: 'warning', reason: 'constant (one distinct value), as in the reference', value: 1 };
}

// E[distinct values among m draws] from the reference distribution: Σ 1 − (1 − p)^m.
function expectedDistinct(counts: Iterable<number>, total: number, m: number): number {
  let e = 0;
  for (const c of counts) if (c > 0) e += 1 - Math.exp(m * Math.log1p(-c / total));
  return e;
}

function referenceCounts(p: QualityProfile): number[] | null {
  if (p.categorical > 0 && p.categories === undefined) return null;
  if (p.numeric > 0 && p.valueCounts === undefined) return null;
  return [...categoryMap(p).values(), ...Array.from(p.valueCounts?.counts ?? [])];
}

/**
 * checkCardinality compares the distinct values of the window with what the reference
 * distribution predicts for a window of that size.
 *
 * @example
 * checkCardinality(current, reference).reason; // '480 distinct values, 20.0 expected from the reference (24.0×)'
 */
export function checkCardinality(
  current: QualityProfile,
  reference: QualityProfile | null,
  o: QualityThresholds = {},
): QualityCheck {
  const th = t(o);
  const observed = distinctCount(current);
  const m = current.numeric + current.categorical;
  if (reference === null || observed === null || m === 0)
    return ok('n/a: needs distinct counts and a reference');
  const counts = referenceCounts(reference);
  const refPresent = reference.numeric + reference.categorical;
  const rw = th.cardinalityRatio;
  const judge = (ratio: number, expected: string): QualityCheck => {
    const status: QualityStatus =
      ratio >= rw.fail || ratio <= 1 / rw.fail
        ? 'fail'
        : ratio >= rw.warning || ratio <= 1 / rw.warning
          ? 'warning'
          : 'ok';
    return {
      status,
      reason: `${observed} distinct values, ${expected} (${ratio.toFixed(1)}×)`,
      value: ratio,
    };
  };
  if (counts !== null && refPresent > 0) {
    const expected = expectedDistinct(counts, refPresent, m);
    if (Math.max(observed, expected) < th.cardinalityMinDistinct) {
      return ok(
        `${observed} distinct values, ${expected.toFixed(1)} expected: too few to judge`,
        observed / expected,
      );
    }
    return judge(observed / expected, `${expected.toFixed(1)} expected from the reference`);
  }
  const before = distinctCount(reference);
  if (before === null || refPresent === 0) return ok('n/a: needs reference counts or distinct count');
  const uRef = before / refPresent;
  if (uRef < 0.5 || Math.max(observed, before) < th.cardinalityMinDistinct) {
    return ok('n/a: without reference counts only a near-unique reference can be compared');
  }
  // Only a fall is measurable this way: a window cannot be more unique than 1.
  return judge(
    Math.min(1, observed / m / uRef),
    `uniqueness ${pct(observed / m)} vs ${pct(uRef)} in the reference`,
  );
}
