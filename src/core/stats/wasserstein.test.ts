import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { valueCountsFromSample } from './value-counts.js';
import {
  wassersteinDistance,
  wassersteinFromCounts,
  wassersteinFromValueCounts,
  wassersteinNormed,
  wassersteinNormedFromValueCounts,
  wassersteinScale,
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

  it('normalises by the population std of the reference, with no absolute floor', () => {
    expect(wassersteinNormed([0, 2], [1, 3])).toBe(1); // W = 1, σ = 1
    const ref = valueCountsFromSample([0, 2, 2, 4]);
    const cur = valueCountsFromSample([1, 3]);
    expect(wassersteinNormedFromValueCounts(ref, cur)).toBeCloseTo(
      wassersteinNormed([0, 2, 2, 4], [1, 3]),
      12,
    );
  });

  it('sees a one-sd shift of a feature on a 1e-5 scale (it read 0.01 under the 0.001 floor)', () => {
    // σ_ref = 1e-5, W1 = 1e-5: normed 1, not 1e-5 / 0.001 = 0.01.
    expect(wassersteinNormed([-1e-5, 1e-5], [0, 2e-5])).toBeCloseTo(1, 12);
  });

  it('gives the same normed value at every scale', () => {
    const ref = [-1.3, -0.2, 0.1, 0.4, 1.7, 2.2];
    const cur = [-0.5, 0.3, 0.9, 1.1, 2.5];
    const unit = wassersteinNormed(ref, cur);
    for (const scale of [1e-5, 1e-3, 1e9, 1e15]) {
      const scaled = wassersteinNormed(
        ref.map((x) => x * scale),
        cur.map((x) => x * scale),
      );
      expect(Math.abs(scaled / unit - 1), `scale ${scale}`).toBeLessThan(1e-12);
    }
  });

  it('keeps the std of a large offset with a unit spread (two-pass, not E[x²] − E[x]²)', () => {
    expect(wassersteinNormed([1e9 - 1, 1e9 + 1], [1e9, 1e9 + 2])).toBe(1);
  });

  it('falls back to the pooled std only when the reference is (numerically) constant', () => {
    // Constant 5 against one 6: W1 = 1, pooled σ of [5, 5, 6] = √2 / 3; it was 1 / 0.001 = 1000.
    expect(wassersteinNormed([5, 5], [6])).toBeCloseTo(3 / Math.SQRT2, 12);
    expect(wassersteinNormed([5e-7, 5e-7], [6e-7])).toBeCloseTo(3 / Math.SQRT2, 9);
    expect(wassersteinNormed([5, 5], [5])).toBe(0);
    // 5,000 copies of 0.1: the two-pass σ is rounding (~1e-17), treated as zero.
    const tenths = new Array<number>(5000).fill(0.1);
    expect(wassersteinNormed(tenths, [0.1, 0.1])).toBe(0);
    expect(wassersteinNormed(tenths, [...tenths, 0.2])).toBeLessThan(100);
    const side = (n: number, mean: number, std: number) => ({ n, mean, std, min: mean, max: mean });
    // σ 1e-2 at |x| 1e9 (1e-11 of it) is spread; 1e-4 (1e-13) counts as zero, so the pooled σ.
    expect(wassersteinScale(side(2, 1e9, 1e-2), side(2, 1e9 + 1, 0))).toBe(1e-2);
    expect(wassersteinScale(side(2, 1e9, 1e-4), side(2, 1e9 + 1, 0))).toBeCloseTo(0.5, 6);
  });
});
