import { describe, expect, it } from 'vitest';
import { ksPValue, ksTwoSample, wassersteinDistance } from '../stats/index.js';
import type { NumericFeatureSummary } from './feature-summary.js';
import { discreteValues, measuresOf } from './measures.js';
import { categoricalSummaryFromSamples, numericSummaryFromSamples } from './summarize.js';
import { gaussian, mulberry32, sampleOf } from './test-support/random.js';

const g = gaussian(mulberry32(11));
const ref = sampleOf(3000, g);
const cur = sampleOf(2500, () => g() * 1.2 + 0.3);
const exact = numericSummaryFromSamples(ref, cur);
// The same feature as ClickHouse would send it for a high-cardinality column: no value counts.
const withoutCounts: NumericFeatureSummary = {
  ...exact,
  reference: { ...exact.reference, valueCounts: undefined },
  current: { ...exact.current, valueCounts: undefined },
};
const sketched = numericSummaryFromSamples(ref, cur, { keepValueCounts: false, quantiles: 1000 });

describe('KS from aggregates', () => {
  it('is exact from value counts (equals ks_2samp on the raw samples)', () => {
    const raw = ksTwoSample(ref, cur);
    const m = measuresOf(exact).ks();
    expect(raw.ok && m.statistic === raw.statistic && m.pValue === raw.pValue).toBe(true);
    expect(m.note).toBeUndefined();
  });

  it('uses an upstream statistic with the exact p-value function', () => {
    const m = measuresOf({ ...withoutCounts, ksStatistic: 0.05 }).ks();
    expect(m.pValue).toBe(ksPValue(0.05, 3000, 2500).pValue);
  });

  it('reads D off quantile sketches within 1/m of the exact D', () => {
    const m = measuresOf(sketched).ks();
    const raw = ksTwoSample(ref, cur);
    expect(raw.ok && Math.abs(m.statistic - raw.statistic)).toBeLessThan(1 / 1000 + 1e-12);
    expect(m.note).toMatch(/quantile sketches/);
  });

  it('falls back to the bin edges: a lower bound of D, flagged approximate', () => {
    const m = measuresOf(withoutCounts).ks();
    const raw = ksTwoSample(ref, cur);
    expect(raw.ok).toBe(true);
    if (raw.ok) expect(m.statistic).toBeLessThanOrEqual(raw.statistic);
    expect(m.statistic).toBeGreaterThan(0.5 * (raw.ok ? raw.statistic : 1));
    expect(m.note).toMatch(/approximate/);
  });

  it('is undefined (NaN, with a reason) when a side is empty', () => {
    const m = measuresOf(numericSummaryFromSamples([1, 2], [Number.NaN])).ks();
    expect(m.statistic).toBeNaN();
    expect(m.note).toMatch(/no non-missing/);
  });
});

describe('Wasserstein from aggregates', () => {
  it('is exact from value counts and normed by the reference population std', () => {
    const w = measuresOf(exact).wasserstein();
    expect(w.raw).toBe(wassersteinDistance(ref, cur));
    expect(w.normed).toBeCloseTo(w.raw / exact.reference.std, 14);
  });

  it('approximates from quantile sketches of 1000 levels within 1%', () => {
    const w = measuresOf(sketched).wasserstein();
    const truth = wassersteinDistance(ref, cur);
    expect(Math.abs(w.raw / truth - 1)).toBeLessThan(0.01);
    expect(w.note).toMatch(/quantile sketches/);
  });

  it('approximates from bin centres (coarse: within 10% on this shift-and-scale case), never below |Δmean|', () => {
    const w = measuresOf(withoutCounts).wasserstein();
    const truth = wassersteinDistance(ref, cur);
    expect(Math.abs(w.raw / truth - 1)).toBeLessThan(0.1);
    expect(w.raw).toBeGreaterThanOrEqual(Math.abs(exact.reference.mean - exact.current.mean));
    expect(w.note).toMatch(/bin centres/);
  });

  it('bin centres put a tail decile near its edge, not halfway to the extreme (regression: that overshot by 24–191%)', () => {
    const u = mulberry32(5);
    const a = sampleOf(5000, () => Math.exp(gaussian(u)()));
    const b = sampleOf(5000, () => Math.exp(gaussian(u)() + 0.2));
    const f = numericSummaryFromSamples(a, b, { keepValueCounts: false });
    expect(Math.abs(measuresOf(f).wasserstein().raw / wassersteinDistance(a, b) - 1)).toBeLessThan(0.05);
  });

  it('sees a shift a constant reference cannot bin (no edges), through |Δmean|', () => {
    const f = numericSummaryFromSamples([5, 5, 5, 5], [7, 7, 7]);
    const w = measuresOf({ ...f, reference: { ...f.reference, valueCounts: undefined } }).wasserstein();
    expect(w.raw).toBe(2);
  });
});

describe('Anderson–Darling from aggregates', () => {
  it('needs value counts', () => {
    const m = measuresOf(withoutCounts).anderson();
    expect(m.pValue).toBeNull();
    expect(m.note).toMatch(/needs value counts/);
  });

  it('is skipped above the pooled-size cap', () => {
    const m = measuresOf(exact, { andersonMaxObservations: 5000 }).anderson();
    expect(m.statistic).toBeNaN();
    expect(m.note).toMatch(/skipped above 5000/);
  });

  it('reports the capped/floored significance level with a note', () => {
    const m = measuresOf(exact).anderson();
    expect(m.pValue).toBe(0.001);
    expect(m.note).toMatch(/floored/);
  });
});

describe('discrete view', () => {
  it('treats a numeric feature with ≤ 5 distinct values as categories of its values', () => {
    const f = numericSummaryFromSamples([0, 1, 2, 2, 2, 1], [2, 2, 1, 0, 4]);
    expect(discreteValues(f)).toEqual([0, 1, 2, 4]);
    const view = measuresOf(f).discrete();
    expect(view.source).toBe('values');
    expect(Array.from(view.reference)).toEqual([1, 2, 3, 0]);
    expect(Array.from(view.current)).toEqual([1, 1, 2, 1]);
  });

  it('uses the bins above 5 distinct values, or without value counts', () => {
    expect(measuresOf(numericSummaryFromSamples([1, 2, 3, 4, 5, 6], [1, 2])).discrete().source).toBe('bins');
    expect(measuresOf(withoutCounts).discrete().source).toBe('bins');
  });
});

describe('categorical measures', () => {
  const rows = (counts: Record<string, number>): string[] =>
    Object.entries(counts).flatMap(([k, c]) => Array.from({ length: c }, () => k));

  it('chi² equals scipy chi2_contingency (refvectors chi2_2x5_shifted)', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const f = categoricalSummaryFromSamples(
      rows(Object.fromEntries(names.map((k, i) => [k, [81, 77, 59, 47, 36][i]!]))),
      rows(Object.fromEntries(names.map((k, i) => [k, [48, 51, 60, 42, 49][i]!]))),
    );
    const m = measuresOf(f).chi2();
    expect(m.statistic).toBeCloseTo(11.550653396957818, 9);
    expect(m.pValue! / 0.021025083289127194 - 1).toBeLessThan(1e-6);
    expect(m.dof).toBe(4);
  });

  it('the z-test counts the last category as the success (45/100 vs 30/100: z 2.19, p 0.0285)', () => {
    const f = categoricalSummaryFromSamples(rows({ no: 55, yes: 45 }), rows({ no: 70, yes: 30 }));
    const z = measuresOf(f).z();
    expect(z.statistic).toBeCloseTo(2.1909, 4);
    expect(z.pValue).toBeCloseTo(0.02846, 5);
  });

  it('the z-test is undefined on a non-binary feature', () => {
    const z = measuresOf(categoricalSummaryFromSamples(['a', 'b', 'c'], ['a'])).z();
    expect(z.statistic).toBeNaN();
    expect(z.note).toMatch(/binary/);
  });

  it('binned distances count missing values as a bin; tests ignore them', () => {
    const same = ['a', 'a', 'b', 'b'];
    const m = measuresOf(categoricalSummaryFromSamples(same, [...same, null, null, null, null]));
    // PSI with 0% vs 50% missing: (0.25 − 0.5)·ln(0.25/0.5)·2 + (0.5 − 1e-4)·ln(0.5/1e-4).
    const expected = 2 * (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    expect(m.binned().psi).toBeCloseTo(expected, 12);
    expect(m.chi2().statistic).toBe(0);
  });

  it('lists new categories (present now, absent or zero in the reference)', () => {
    const f = categoricalSummaryFromSamples(['a', 'b'], ['a', 'c', 'd', 'd']);
    expect(measuresOf(f).newCategories()).toEqual(['c', 'd']);
    expect(measuresOf(exact).newCategories()).toEqual([]);
  });

  it('numeric-only measures are undefined for a categorical feature', () => {
    const m = measuresOf(categoricalSummaryFromSamples(['a'], ['a']));
    expect(m.ks().statistic).toBeNaN();
    expect(m.wasserstein().raw).toBeNaN();
  });
});

describe('measuresOf', () => {
  it('computes each measure once', () => {
    const m = measuresOf(exact);
    expect(m.ks()).toBe(m.ks());
    expect(m.binned()).toBe(m.binned());
  });
});
