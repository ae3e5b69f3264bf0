import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertCounts, proportionsOf, sortedWithoutNaN, sumOf } from './sample.js';

const nativeSorted = (xs: readonly number[]): number[] =>
  Array.from(Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort());

describe('sortedWithoutNaN', () => {
  it('sorts small inputs and drops NaN', () => {
    expect(Array.from(sortedWithoutNaN([3, Number.NaN, -1, Number.NEGATIVE_INFINITY, 2]))).toEqual([
      Number.NEGATIVE_INFINITY,
      -1,
      2,
      3,
    ]);
    expect(sortedWithoutNaN([])).toHaveLength(0);
    expect(sortedWithoutNaN([Number.NaN])).toHaveLength(0);
  });

  it('radix-sorts large inputs exactly like Float64Array#sort (NaN, ±0, ±Infinity, subnormals)', () => {
    const special = fc.constantFrom(
      Number.NaN,
      -0,
      0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
      -5e-324,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), special), { minLength: 4096, maxLength: 6000 }), (xs) => {
        const got = Array.from(sortedWithoutNaN(xs));
        const want = nativeSorted(xs);
        // ±0 compare equal and may come in either order; compare with ===.
        return got.length === want.length && got.every((x, i) => x === want[i]);
      }),
      { numRuns: 15 },
    );
  });

  it('does not modify its input', () => {
    const xs = Float64Array.from({ length: 5000 }, (_, i) => 5000 - i);
    sortedWithoutNaN(xs);
    expect(xs[0]).toBe(5000);
  });
});

describe('counts helpers', () => {
  it('sums and normalises', () => {
    expect(sumOf([1, 2, 3])).toBe(6);
    expect(Array.from(proportionsOf([1, 3]))).toEqual([0.25, 0.75]);
    expect(Array.from(proportionsOf([0, 0])).every(Number.isNaN)).toBe(true);
  });

  it('rejects negative, NaN and infinite counts', () => {
    expect(() => assertCounts([1, -1], 'c')).toThrow(RangeError);
    expect(() => assertCounts([Number.NaN], 'c')).toThrow(RangeError);
    expect(() => assertCounts([Number.POSITIVE_INFINITY], 'c')).toThrow(RangeError);
    expect(() => assertCounts([0, 2.5], 'c')).not.toThrow();
  });
});
