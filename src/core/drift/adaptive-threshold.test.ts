import normal from '@stdlib/stats-base-dists-normal';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeValueCounts, type ValueCounts } from '../stats/index.js';
import {
  type AdaptiveThreshold,
  adaptiveStatistic,
  adaptiveThreshold,
  chunkStatistics,
  learnAdaptiveThreshold,
} from './adaptive-threshold.js';
import { evaluateFeatureDrift } from './evaluate.js';
import type { NumericFeatureSummary, NumericSide } from './feature-summary.js';
import { driftMethods } from './methods.js';
import {
  binCountsFromValueCounts,
  numericSideFromValueCounts,
  numericSummaryFromSamples,
  quantileEdgesFromValueCounts,
} from './summarize.js';
import { cellCounts16, gaussian, mulberry32, mulberry32Bits, sampleOf } from './test-support/random.js';

describe('adaptiveThreshold', () => {
  it("rule 'std': mean + 3·s with the sample std (hand-computed)", () => {
    // mean 0.026; squared deviations sum to 170e-6; s = √(170e-6 / 4) = 0.0065192…
    const t = adaptiveThreshold('js', [0.02, 0.03, 0.025, 0.02, 0.035]);
    expect(t.mean).toBeCloseTo(0.026, 15);
    expect(t.std).toBeCloseTo(Math.sqrt(42.5e-6), 15);
    expect(t.threshold).toBeCloseTo(0.026 + 3 * Math.sqrt(42.5e-6), 15);
    expect(t).toMatchObject({ method: 'js', rule: 'std', chunks: 5, clamped: null });
  });

  it("rule 'quantile': the type-7 quantile of the chunk statistics", () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1);
    expect(adaptiveThreshold('psi', values, { rule: 'quantile' }).threshold).toBe(100);
    expect(adaptiveThreshold('psi', values, { rule: 'quantile', quantile: 0.5 }).threshold).toBe(51);
  });

  it('clamps to [min, max] and says so', () => {
    const values = [0.01, 0.012, 0.011, 0.013, 0.01];
    expect(adaptiveThreshold('js', values, { min: 0.05 })).toMatchObject({ threshold: 0.05, clamped: 'min' });
    expect(adaptiveThreshold('js', values, { max: 0.011 })).toMatchObject({
      threshold: 0.011,
      clamped: 'max',
    });
  });

  it('ignores undefined chunk statistics and refuses too few', () => {
    expect(adaptiveThreshold('js', [0.1, null, Number.NaN, 0.1, 0.1, 0.1, 0.1]).chunks).toBe(5);
    expect(() => adaptiveThreshold('js', [0.1, 0.2, 0.3, null])).toThrow(/≥ 5 chunk statistics, got 3/);
    expect(() => adaptiveThreshold('js', [0.1], { minChunks: 1 })).toThrow(/≥ 2/);
  });

  it('compares |z| for the signed z-test', () => {
    expect(adaptiveStatistic('z', { statistic: -2.5 })).toBe(2.5);
    expect(adaptiveStatistic('ks', { statistic: null })).toBeNull();
  });
});

describe('chunkStatistics', () => {
  it('evaluates the method on each baseline-vs-chunk comparison', () => {
    const g = gaussian(mulberry32(3));
    const baseline = sampleOf(2000, g);
    const chunks = [0, 1, 2, 3].map((k) => baseline.subarray(500 * k, 500 * (k + 1)));
    const comparisons = chunks.map((c) => numericSummaryFromSamples(baseline, c));
    expect(chunkStatistics('ks', comparisons)).toEqual(
      comparisons.map((f) => driftMethods.ks.evaluate(f).statistic),
    );
  });
});

// 10^7 baseline rows: 10 days of 10^6 rows from N(μ_d, 1) with a day-to-day wobble μ_d ~ N(0, 0.02),
// the kind of non-sampling variation every real feature has. Each day is recorded on 2^16
// equal-probability cells (test-support/features.ts explains why that is a real sample).
describe('a stable feature at 10^7 rows', { timeout: 60_000 }, () => {
  const rowsPerDay = 1_000_000;
  const bits = mulberry32Bits(2024);
  let grid = new Float64Array(0);
  const day = (rows: number, mean: number): ValueCounts => {
    const counts = cellCounts16(rows, bits);
    return { values: grid.map((x) => x + mean), counts: Float64Array.from(counts), missing: 0 };
  };
  // The baseline's side and bins once; each day only adds its own (as the store would send them).
  let baselineSide: NumericSide;
  let edges: Float64Array = new Float64Array(0);
  let baselineBins: Float64Array = new Float64Array(0);
  const against = (d: ValueCounts): NumericFeatureSummary => ({
    type: 'numeric',
    reference: baselineSide,
    current: numericSideFromValueCounts(d),
    bins: { edges, reference: baselineBins, current: binCountsFromValueCounts(d, edges) },
  });
  let baseline: ValueCounts = { values: [], counts: [] };
  let learned: AdaptiveThreshold;
  beforeAll(() => {
    grid = Float64Array.from({ length: 65_536 }, (_, i) => normal.quantile((i + 0.5) / 65_536, 0, 1));
    const g = gaussian(mulberry32(7));
    const days = Array.from({ length: 10 }, () => day(rowsPerDay, 0.02 * g()));
    baseline = days.reduce((a, b) => mergeValueCounts(a, b));
    baselineSide = numericSideFromValueCounts(baseline);
    edges = quantileEdgesFromValueCounts(baseline);
    baselineBins = binCountsFromValueCounts(baseline, edges);
    learned = learnAdaptiveThreshold('ks', days.map(against));
  });

  it('fixed KS (p < 0.01) alarms on an ordinary day; the learned threshold does not', () => {
    const ordinary = against(day(rowsPerDay, 0.015));
    expect(Array.from(baseline.counts).reduce((s, c) => s + c, 0)).toBe(10_000_000);
    expect(driftMethods.ks.evaluate(ordinary).drifted).toBe(true);
    const r = evaluateFeatureDrift('x', ordinary, {
      features: { x: { adaptive: learned } },
      andersonMaxObservations: 0,
    });
    expect(r).toMatchObject({
      method: 'ks',
      selected_by: 'adaptive',
      threshold: learned.threshold,
      drifted: false,
    });
  });

  it('the learned threshold still alarms on a 0.2σ shift', () => {
    const shifted = against(day(rowsPerDay, 0.2));
    const r = evaluateFeatureDrift('x', shifted, {
      features: { x: { adaptive: learned } },
      andersonMaxObservations: 0,
    });
    expect(r.drifted).toBe(true);
  });
});
