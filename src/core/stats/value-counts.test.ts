import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertValueCounts, mergeValueCounts, totalCount, valueCountsFromSample } from './value-counts.js';

const sampleArb = fc.array(
  fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0.5)),
  { maxLength: 30 },
);

const plain = (vc: ReturnType<typeof valueCountsFromSample>) => ({
  values: Array.from(vc.values),
  counts: Array.from(vc.counts),
  missing: vc.missing,
});

describe('value counts', () => {
  it('groups a sample into sorted distinct values, NaN as missing', () => {
    expect(plain(valueCountsFromSample([2, 1, 2, Number.NaN, Number.POSITIVE_INFINITY]))).toEqual({
      values: [1, 2, Number.POSITIVE_INFINITY],
      counts: [1, 2, 1],
      missing: 1,
    });
    expect(plain(valueCountsFromSample([]))).toEqual({ values: [], counts: [], missing: 0 });
    expect(totalCount(valueCountsFromSample([5, 5, Number.NaN]))).toBe(2);
  });

  it('merging equals counting the concatenation, and is associative and commutative', () => {
    fc.assert(
      fc.property(sampleArb, sampleArb, sampleArb, (a, b, c) => {
        const [va, vb, vc] = [a, b, c].map(valueCountsFromSample) as [
          ReturnType<typeof valueCountsFromSample>,
          ReturnType<typeof valueCountsFromSample>,
          ReturnType<typeof valueCountsFromSample>,
        ];
        const all = plain(valueCountsFromSample([...a, ...b, ...c]));
        expect(plain(mergeValueCounts(mergeValueCounts(va, vb), vc))).toEqual(all);
        expect(plain(mergeValueCounts(va, mergeValueCounts(vb, vc)))).toEqual(all);
        expect(plain(mergeValueCounts(vb, va))).toEqual(plain(mergeValueCounts(va, vb)));
      }),
    );
  });

  it('validates its invariants', () => {
    expect(() => assertValueCounts({ values: [1, 1], counts: [1, 1] }, 'x')).toThrow(RangeError);
    expect(() => assertValueCounts({ values: [Number.NaN], counts: [1] }, 'x')).toThrow(RangeError);
    expect(() => assertValueCounts({ values: [1], counts: [-1] }, 'x')).toThrow(RangeError);
    expect(() => assertValueCounts({ values: [1], counts: [1, 2] }, 'x')).toThrow(RangeError);
    expect(() => assertValueCounts({ values: [1, 2], counts: [0, 3] }, 'x')).not.toThrow();
  });
});
