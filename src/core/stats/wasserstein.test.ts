import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueCountsFromSample } from './value-counts.js';
import {
  WASSERSTEIN_STD_FLOOR,
  wassersteinDistance,
  wassersteinFromCounts,
  wassersteinFromValueCounts,
  wassersteinNormed,
  wassersteinNormedFromValueCounts,
} from './wasserstein.js';

const sampleArb = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 40 });

describe('Wasserstein-1', () => {
  it('is the mean absolute difference of order statistics for equal-size samples', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBe(5);
    expect(wassersteinDistance([1, 2], [2, 1])).toBe(0);
  });

  it('is NaN for an empty sample and drops NaN', () => {
    expect(wassersteinDistance([], [1])).toBeNaN();
    expect(wassersteinDistance([Number.NaN], [1])).toBeNaN();
    expect(wassersteinDistance([0, Number.NaN], [2])).toBe(2);
  });

  it('treats ±Infinity as mass at infinity', () => {
    expect(wassersteinDistance([0, Number.POSITIVE_INFINITY], [0, 1])).toBe(Number.POSITIVE_INFINITY);
    expect(wassersteinDistance([0, Number.POSITIVE_INFINITY], [1, Number.POSITIVE_INFINITY])).toBe(0.5);
    expect(wassersteinDistance([Number.NEGATIVE_INFINITY], [Number.NEGATIVE_INFINITY])).toBe(0);
  });

  it('supports weights that need not sum to 1', () => {
    expect(wassersteinDistance([0, 1], [0], { referenceWeights: [3, 1] })).toBe(0.25);
    expect(() => wassersteinDistance([0, 1], [0], { referenceWeights: [1] })).toThrow(RangeError);
    expect(() => wassersteinDistance([0], [0], { currentWeights: [-1] })).toThrow(RangeError);
  });

  it('is symmetric, shift-equivariant and equal from value counts', () => {
    fc.assert(
      fc.property(sampleArb, sampleArb, fc.integer({ min: -3, max: 3 }), (u, v, c) => {
        const w = wassersteinDistance(u, v);
        expect(wassersteinDistance(v, u)).toBeCloseTo(w, 12);
        expect(
          wassersteinDistance(
            u,
            u.map((x) => x + c),
          ),
        ).toBeCloseTo(Math.abs(c), 12);
        expect(wassersteinFromValueCounts(valueCountsFromSample(u), valueCountsFromSample(v))).toBeCloseTo(
          w,
          12,
        );
      }),
    );
  });

  it('runs on counts over shared bins placed at given positions', () => {
    expect(wassersteinFromCounts([0, 1, 2], [1, 1, 0], [0, 1, 1])).toBe(1);
    expect(wassersteinFromCounts([0, 1], [0, 0], [1, 1])).toBeNaN();
    expect(() => wassersteinFromCounts([1, 0], [1, 1], [1, 1])).toThrow(RangeError);
  });

  it('normalises by the population std of the reference, floored at 0.001', () => {
    expect(wassersteinNormed([0, 2], [1, 3])).toBe(1); // W = 1, σ = 1
    expect(wassersteinNormed([5, 5], [6])).toBeCloseTo(1 / WASSERSTEIN_STD_FLOOR, 9);
    const ref = valueCountsFromSample([0, 2, 2, 4]);
    const cur = valueCountsFromSample([1, 3]);
    expect(wassersteinNormedFromValueCounts(ref, cur)).toBeCloseTo(
      wassersteinNormed([0, 2, 2, 4], [1, 3]),
      12,
    );
  });
});
