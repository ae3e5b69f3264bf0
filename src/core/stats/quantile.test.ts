import { describe, expect, it } from 'vitest';
import { quantileEdges, quantileSorted } from './quantile.js';

describe('quantileSorted (numpy linear)', () => {
  it('interpolates between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([10, 20], 0.25)).toBe(12.5);
    expect(quantileSorted([7], 0.3)).toBe(7);
  });

  it('is NaN for an empty sample or a level outside [0, 1]', () => {
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(quantileSorted([1, 2], 1.5)).toBeNaN();
    expect(quantileSorted([1, 2], Number.NaN)).toBeNaN();
  });

  it('keeps infinite neighbours infinite instead of NaN', () => {
    const xs = [1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    expect(quantileSorted(xs, 0.75)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('quantileEdges', () => {
  it('returns the inner decile edges of a reference', () => {
    const ref = Array.from({ length: 11 }, (_, i) => i * 10); // 0, 10, …, 100
    const edges = Array.from(quantileEdges(ref));
    expect(edges).toHaveLength(9);
    // Levels are i·0.1 as numpy.linspace makes them, so 3·0.1·100 = 30.000000000000004.
    edges.forEach((e, i) => {
      expect(e).toBeCloseTo(10 * (i + 1), 12);
    });
  });

  it('merges bins when the reference has ties and ignores NaN', () => {
    // Levels 0, .5, 1 of [0, 1×8, 2] are 0, 1, 2: one inner edge.
    expect(Array.from(quantileEdges([0, 1, 1, 1, 1, 1, 1, 1, 1, 2, Number.NaN], 2))).toEqual([1]);
    // Quintiles of five 1s and five 2s are 1, 1, 1, 2, 2, 2: unique [1, 2], no inner edge left.
    expect(Array.from(quantileEdges([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], 5))).toEqual([]);
    expect(Array.from(quantileEdges([5, 5, 5]))).toEqual([]); // constant: one bin
    expect(Array.from(quantileEdges([]))).toEqual([]);
  });

  it('rejects a bad bin count', () => {
    expect(() => quantileEdges([1, 2], 0)).toThrow(RangeError);
    expect(() => quantileEdges([1, 2], 2.5)).toThrow(RangeError);
  });
});
