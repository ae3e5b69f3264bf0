/*
 * A 25-feature synthetic model for the false-positive and detection simulations of the default
 * drift rule: skewed, heavy-tailed, integer, bimodal, partly missing, binary and categorical
 * features from 2 to 500 categories, each with a "genuine" shift (a change a person would want to
 * hear about: half a standard deviation of location, a 1.5× scale, or a fifth of the mass moved).
 *
 * Every feature is a sampler: a map from one uniform number to a value (inverse-CDF where one
 * exists, a component pick for mixtures; NaN/null = missing). 'raw' mode draws u per row: an exact
 * sample of the continuous distribution. 'cells' mode draws u per row too but records the row as
 * the value of its cell among 2^16 equal-probability cells of [0, 1), i.e. an n-row iid sample of
 * the distribution discretised to 65 536 equally likely values (the tails cut at the 1/131 072
 * quantiles), counted straight into value counts. That keeps a 50-million-row simulation to
 * about a second while every row is still a real draw.
 */
import normal from '@stdlib/stats-base-dists-normal';
import type { FeatureSummary } from '../feature-summary.js';
import {
  categoricalSummaryFromSamples,
  numericSummaryFromSamples,
  numericSummaryFromValueCounts,
} from '../summarize.js';
import { cellCounts16, mulberry32, mulberry32Bits } from './random.js';

/** FeatureSpec maps a uniform p ∈ [0, 1) to a value of the feature (reference or shifted). */
export type FeatureSpec =
  | {
      readonly kind: 'numeric';
      readonly name: string;
      readonly sample: (p: number, shifted: boolean) => number;
    }
  | {
      readonly kind: 'categorical';
      readonly name: string;
      readonly sample: (p: number, shifted: boolean) => string | null;
    };

const phi = (p: number): number => normal.quantile(p, 0, 1);
const expo = (p: number): number => -Math.log(1 - p);

function zipf(k: number, reversed = false): number[] {
  return Array.from({ length: k }, (_, i) => 1 / (reversed ? k - i : i + 1));
}

function mix(a: readonly number[], b: readonly number[], share: number): number[] {
  const ta = a.reduce((s, x) => s + x, 0);
  const tb = b.reduce((s, x) => s + x, 0);
  return a.map((x, i) => ((1 - share) * x) / ta + (share * (b[i] ?? 0)) / tb);
}

// A categorical sampler: p below `missing` is a missing value, the rest is split by probability.
function categorical(
  reference: readonly number[],
  shifted: readonly number[],
  missing = 0,
): (p: number, s: boolean) => string | null {
  const names = reference.map((_, i) => `c${String(i + 1).padStart(3, '0')}`);
  const cumulative = (w: readonly number[]): number[] => {
    const total = w.reduce((s, x) => s + x, 0);
    let acc = 0;
    return w.map((x) => (acc += x / total));
  };
  const cr = cumulative(reference);
  const cs = cumulative(shifted);
  return (p, s) => {
    if (p < missing) return null;
    const q = (p - missing) / (1 - missing);
    const c = s ? cs : cr;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (q < c[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return names[lo]!;
  };
}

function poissonQuantile(lambda: number): (p: number) => number {
  const cdf: number[] = [];
  let term = Math.exp(-lambda);
  let acc = term;
  for (let k = 0; acc < 1 - 1e-15 && k < 1000; k++) {
    cdf.push(acc);
    term *= lambda / (k + 1);
    acc += term;
  }
  return (p) => {
    const k = cdf.findIndex((c) => p < c);
    return k < 0 ? cdf.length : k;
  };
}

const poisson20 = poissonQuantile(20);
const poisson23 = poissonQuantile(23);
const LOGNORMAL_STD = Math.sqrt((Math.E - 1) * Math.E);

/** FEATURES is the synthetic model: 25 features. */
export const FEATURES: readonly FeatureSpec[] = [
  { kind: 'numeric', name: 'normal', sample: (p, s) => phi(p) + (s ? 0.5 : 0) },
  { kind: 'numeric', name: 'normal_wide', sample: (p, s) => 100 + 15 * phi(p) + (s ? 7.5 : 0) },
  { kind: 'numeric', name: 'lognormal', sample: (p, s) => Math.exp(phi(p)) + (s ? 0.5 * LOGNORMAL_STD : 0) },
  { kind: 'numeric', name: 'lognormal_heavy', sample: (p, s) => Math.exp(1.5 * phi(p) + (s ? 0.5 : 0)) },
  { kind: 'numeric', name: 'exponential', sample: (p, s) => expo(p) + (s ? 0.5 : 0) },
  { kind: 'numeric', name: 'uniform', sample: (p, s) => p + (s ? 0.15 : 0) },
  { kind: 'numeric', name: 'pareto3', sample: (p, s) => (1 - p) ** (-1 / 3) * (s ? 1.5 : 1) },
  { kind: 'numeric', name: 'weibull_half', sample: (p, s) => expo(p) ** 2 * (s ? 2 : 1) },
  {
    kind: 'numeric',
    name: 'bimodal',
    // The left component's weight is 0.5, 0.3 when shifted: U < w picks it, U/w is its own uniform.
    sample: (p, s) => {
      const w = s ? 0.3 : 0.5;
      return p < w ? -2 + 0.5 * phi(p / w) : 2 + 0.5 * phi((p - w) / (1 - w));
    },
  },
  { kind: 'numeric', name: 'poisson20', sample: (p, s) => (s ? poisson23(p) : poisson20(p)) },
  { kind: 'numeric', name: 'rounded', sample: (p, s) => Math.round(50 + 10 * phi(p) + (s ? 5 : 0)) },
  {
    kind: 'numeric',
    name: 'normal_missing',
    sample: (p, s) => (p < 0.1 ? Number.NaN : phi((p - 0.1) / 0.9) + (s ? 0.5 : 0)),
  },
  { kind: 'numeric', name: 'scale_change', sample: (p, s) => phi(p) * (s ? 1.5 : 1) },
  { kind: 'numeric', name: 'flag01', sample: (p, s) => (p < (s ? 0.5 : 0.3) ? 1 : 0) },
  {
    kind: 'numeric',
    name: 'count0to3',
    sample: (p, s) => {
      const c = s ? [0.1, 0.3, 0.6] : [0.4, 0.7, 0.9];
      return p < c[0]! ? 0 : p < c[1]! ? 1 : p < c[2]! ? 2 : 3;
    },
  },
  { kind: 'categorical', name: 'binary_rare', sample: categorical([0.1, 0.9], [0.25, 0.75]) },
  { kind: 'categorical', name: 'binary_even', sample: categorical([0.5, 0.5], [0.7, 0.3]) },
  { kind: 'categorical', name: 'three', sample: categorical([0.4, 0.3, 0.3], [0.2, 0.3, 0.5]) },
  { kind: 'categorical', name: 'five', sample: categorical(zipf(5), mix(zipf(5), zipf(5, true), 0.35)) },
  {
    kind: 'categorical',
    name: 'ten_symmetric',
    sample: categorical(mix(zipf(10), zipf(10, true), 0.5), mix(zipf(10), zipf(10, true), 0.8)),
  },
  {
    kind: 'categorical',
    name: 'ten_zipf',
    sample: categorical(zipf(10), mix(zipf(10), zipf(10, true), 0.25)),
  },
  { kind: 'categorical', name: 'thirty', sample: categorical(zipf(30), mix(zipf(30), zipf(30, true), 0.25)) },
  {
    kind: 'categorical',
    name: 'hundred',
    sample: categorical(zipf(100), mix(zipf(100), zipf(100, true), 0.25)),
  },
  {
    kind: 'categorical',
    name: 'five_hundred',
    sample: categorical(zipf(500), mix(zipf(500), zipf(500, true), 0.25)),
  },
  {
    kind: 'categorical',
    name: 'country_missing',
    sample: categorical(zipf(20), mix(zipf(20), zipf(20, true), 0.25), 0.05),
  },
];

/** SummaryMode: 'raw' records every row's exact value; 'cells' its cell's value (module comment). */
export type SummaryMode = 'raw' | 'cells';

const CELLS = 65_536; // cellCounts16's cell count

// Value counts of an n-row 'cells' sample: rows per cell, then cells with equal values merged.
function cellSide(
  n: number,
  bits: () => number,
  valueAt: (p: number) => number,
): { values: Float64Array; counts: Float64Array; missing: number } {
  const counts = cellCounts16(n, bits);
  const pairs: Array<[number, number]> = [];
  let missing = 0;
  for (let i = 0; i < CELLS; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const v = valueAt((i + 0.5) / CELLS);
    if (Number.isNaN(v)) missing += c;
    else pairs.push([v, c]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const values: number[] = [];
  const merged: number[] = [];
  for (const [v, c] of pairs) {
    if (values.length > 0 && values[values.length - 1] === v) merged[merged.length - 1]! += c;
    else {
      values.push(v);
      merged.push(c);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(merged), missing };
}

function cellCategories(n: number, bits: () => number, valueAt: (p: number) => string | null) {
  const counts = cellCounts16(n, bits);
  const out = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < CELLS; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const v = valueAt((i + 0.5) / CELLS);
    if (v === null) missing += c;
    else out.set(v, (out.get(v) ?? 0) + c);
  }
  return { counts: out, missing };
}

/**
 * summaryOf draws a reference (unshifted) and a current (shifted or not) sample of `rows` rows
 * each and summarises them as the store would.
 */
export function summaryOf(
  spec: FeatureSpec,
  rows: number,
  seed: number,
  shifted: boolean,
  mode: SummaryMode,
): FeatureSummary {
  const u = mulberry32(seed);
  const bits = mulberry32Bits(seed);
  if (spec.kind === 'numeric') {
    if (mode === 'cells') {
      return numericSummaryFromValueCounts(
        cellSide(rows, bits, (p) => spec.sample(p, false)),
        cellSide(rows, bits, (p) => spec.sample(p, shifted)),
      );
    }
    const ref = Float64Array.from({ length: rows }, () => spec.sample(u(), false));
    const cur = Float64Array.from({ length: rows }, () => spec.sample(u(), shifted));
    return numericSummaryFromSamples(ref, cur);
  }
  if (mode === 'cells') {
    return {
      type: 'categorical',
      reference: cellCategories(rows, bits, (p) => spec.sample(p, false)),
      current: cellCategories(rows, bits, (p) => spec.sample(p, shifted)),
    };
  }
  return categoricalSummaryFromSamples(
    Array.from({ length: rows }, () => spec.sample(u(), false)),
    Array.from({ length: rows }, () => spec.sample(u(), shifted)),
  );
}
