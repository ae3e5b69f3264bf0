import { describe, expect, it } from 'vitest';
import { latestIndex, metricRange } from './charts.js';

describe('latestIndex (the legend shows the latest values until hovered)', () => {
  it('is the last x where any series has a value', () => {
    expect(
      latestIndex([
        [1, 2, 3, 4],
        [0.5, 0.6, null, null],
        [null, 7, 8, null],
      ]),
    ).toBe(2);
    expect(
      latestIndex([
        [1, 2],
        [null, Number.NaN],
      ]),
    ).toBeNull();
    expect(latestIndex([[]])).toBeNull();
  });
});

describe('metricRange', () => {
  it('gives one record a tight range around its value, inside [0, 1] for bounded metrics (not 0 to 100)', () => {
    const [lo, hi] = metricRange('accuracy', 0, 0);
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(0.05);
    const [a, b] = metricRange('accuracy', 1, 1);
    expect(b).toBe(1);
    expect(a).toBeGreaterThanOrEqual(0.9);
    expect(metricRange('ndcg@10', 0.2, 0.9)[1]).toBeLessThanOrEqual(1);
  });
  it('pads unbounded metrics by 10% of their spread', () => {
    expect(metricRange('mae', 10, 20)).toEqual([9, 21]);
    const [lo, hi] = metricRange('rmse', 42, 42);
    expect(lo).toBeLessThan(42);
    expect(hi).toBeGreaterThan(42);
    expect(metricRange('mae', null, null)).toEqual([0, 1]);
  });
});
