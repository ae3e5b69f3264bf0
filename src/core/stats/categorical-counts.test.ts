import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignCategories,
  type CategoricalCounts,
  categoricalCountsOf,
  createCategoricalCounts,
  diffCategoricalCounts,
  mergeCategoricalCounts,
} from './categorical-counts.js';

const valuesArb = fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', 'é', ''), fc.constant(null)));
const plain = (c: CategoricalCounts) => ({
  counts: Object.fromEntries([...c.counts].sort()),
  missing: c.missing,
});

describe('categorical counts', () => {
  it('counts categories and missing values', () => {
    expect(plain(categoricalCountsOf(['a', 'b', 'a', null, undefined]))).toEqual({
      counts: { a: 2, b: 1 },
      missing: 2,
    });
    expect(plain(createCategoricalCounts())).toEqual({ counts: {}, missing: 0 });
  });

  it('merge equals counting everything at once, and is associative and commutative', () => {
    fc.assert(
      fc.property(valuesArb, valuesArb, valuesArb, (a, b, c) => {
        const [ca, cb, cc] = [a, b, c].map(categoricalCountsOf) as [
          CategoricalCounts,
          CategoricalCounts,
          CategoricalCounts,
        ];
        const all = plain(categoricalCountsOf([...a, ...b, ...c]));
        expect(plain(mergeCategoricalCounts(mergeCategoricalCounts(ca, cb), cc))).toEqual(all);
        expect(plain(mergeCategoricalCounts(ca, mergeCategoricalCounts(cb, cc)))).toEqual(all);
        expect(plain(mergeCategoricalCounts(cb, ca))).toEqual(plain(mergeCategoricalCounts(ca, cb)));
        expect(plain(diffCategoricalCounts(mergeCategoricalCounts(ca, cb), cb))).toEqual(plain(ca));
      }),
    );
  });

  it('refuses to subtract more than is there', () => {
    expect(() => diffCategoricalCounts(categoricalCountsOf(['a']), categoricalCountsOf(['a', 'a']))).toThrow(
      RangeError,
    );
    expect(() => diffCategoricalCounts(categoricalCountsOf([]), categoricalCountsOf([null]))).toThrow(
      RangeError,
    );
  });

  it('aligns both sides over the sorted union, missing last, and lists new categories', () => {
    const a = alignCategories(categoricalCountsOf(['b', 'a', 'b']), categoricalCountsOf(['c', 'b', null]));
    expect(a.categories).toEqual(['a', 'b', 'c', null]);
    expect(Array.from(a.reference)).toEqual([1, 2, 0, 0]);
    expect(Array.from(a.current)).toEqual([0, 1, 1, 1]);
    expect(a.newCategories).toEqual(['c']);
  });
});
