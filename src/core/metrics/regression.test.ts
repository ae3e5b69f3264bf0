import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression.js';

describe('regressionMetrics', () => {
  it('computes the errors on a hand example', () => {
    const m = regressionMetrics([1, 2, 4], [2, 2, 2]);
    expect(m.mae).toBeCloseTo(1, 15);
    expect(m.mse).toBeCloseTo(5 / 3, 15);
    expect(m.rmse).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(m.mape).toBeCloseTo((1 + 0 + 0.5) / 3, 15);
    // ȳ = 7/3, SS_tot = 14/3, SS_res = 5
    expect(m.r2).toBeCloseTo(1 - 5 / (14 / 3), 15);
    expect(m.meanError).toBeCloseTo(-1 / 3, 15);
  });

  it('signs the mean error as over-prediction positive', () => {
    expect(regressionMetrics([1, 1], [2, 3]).meanError).toBe(1.5);
  });

  it('follows force_finite for constant targets', () => {
    expect(regressionMetrics([3, 3], [3, 3]).r2).toBe(1);
    expect(regressionMetrics([3, 3], [3, 4]).r2).toBe(0);
    expect(regressionMetrics([3, 3], [3, 4], { forceFinite: false }).r2).toBe(Number.NEGATIVE_INFINITY);
    expect(regressionMetrics([3, 3], [3, 3], { forceFinite: false }).r2).toBeNaN();
  });

  it('is NaN on empty input or NaN values', () => {
    expect(regressionMetrics([], []).mae).toBeNaN();
    const m = regressionMetrics([1, Number.NaN], [1, 2]);
    expect([m.mae, m.rmse, m.r2, m.mape]).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    expect(() => regressionMetrics([1], [])).toThrow(RangeError);
  });

  it('lets Infinity through as an infinite error', () => {
    expect(regressionMetrics([0, 1], [Number.POSITIVE_INFINITY, 1]).mae).toBe(Number.POSITIVE_INFINITY);
  });
});
