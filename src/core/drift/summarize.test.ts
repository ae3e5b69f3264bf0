import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramOf, quantileEdges, quantileSorted, valueCountsFromSample } from '../stats/index.js';
import {
  binCountsFromValueCounts,
  categoricalSummaryFromSamples,
  numericSideFromValueCounts,
  numericSummaryFromSamples,
  numericSummaryFromValueCounts,
  quantileEdgesFromValueCounts,
  quantileSketchFromValueCounts,
} from './summarize.js';

describe('quantileEdgesFromValueCounts', () => {
  it('equals quantileEdges on the expanded sample, bit for bit, ties and all', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        (ints, scale, bins) => {
          const xs = ints.map((i) => i * scale);
          const fromCounts = quantileEdgesFromValueCounts(valueCountsFromSample(xs), bins);
          expect(Array.from(fromCounts)).toEqual(Array.from(quantileEdges(xs, bins)));
        },
      ),
    );
  });

  it('gives no edges for an empty or constant sample', () => {
    expect(quantileEdgesFromValueCounts({ values: [], counts: [] }).length).toBe(0);
    expect(quantileEdgesFromValueCounts({ values: [4], counts: [9] }).length).toBe(0);
  });

  it('skips zero-count entries', () => {
    // Hand-computed (numpy 'linear'): sorted 0,0,1,1,2,2,3,3; levels .25/.5/.75 → 0.75, 1.5, 2.25.
    expect(
      Array.from(quantileEdgesFromValueCounts({ values: [0, 1, 2, 3, 9], counts: [2, 2, 2, 2, 0] }, 4)),
    ).toEqual([0.75, 1.5, 2.25]);
  });
});

describe('quantileSketchFromValueCounts', () => {
  it('reads quantiles at the level midpoints as quantileSorted does on the expanded sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 30 }),
        (xs, m) => {
          const sorted = Float64Array.from(xs).sort();
          const expected = Array.from({ length: m }, (_, q) => quantileSorted(sorted, (q + 0.5) / m));
          expect(Array.from(quantileSketchFromValueCounts(valueCountsFromSample(xs), m))).toEqual(expected);
        },
      ),
    );
  });
});

describe('binCountsFromValueCounts', () => {
  it('counts as histogramOf does (searchsorted right)', () => {
    const xs = [-3, -1, 0, 0, 1, 1.5, 2, 2, 7];
    const edges = [0, 1, 2];
    expect(Array.from(binCountsFromValueCounts(valueCountsFromSample(xs), edges))).toEqual(
      Array.from(histogramOf(edges, xs).counts),
    );
  });
});

describe('numericSideFromValueCounts', () => {
  it('derives n, mean, population std, min and max (hand-computed)', () => {
    // values 1, 1, 3, 7: mean 3, squared deviations 4 + 4 + 0 + 16 = 24, population variance 6.
    const side = numericSideFromValueCounts({ values: [1, 3, 7, 8], counts: [2, 1, 1, 0], missing: 2 });
    expect(side).toMatchObject({ n: 4, missing: 2, mean: 3, min: 1, max: 7 });
    expect(side.std).toBeCloseTo(Math.sqrt(6), 14);
  });

  it('is NaN-valued for an empty side', () => {
    const side = numericSideFromValueCounts({ values: [], counts: [] });
    expect(side.n).toBe(0);
    expect(side.mean).toBeNaN();
    expect(side.min).toBeNaN();
  });

  it('drops the value counts when asked', () => {
    expect(numericSideFromValueCounts({ values: [1], counts: [1] }, false).valueCounts).toBeUndefined();
  });
});

describe('numericSummaryFromSamples', () => {
  it('counts NaN as missing and bins only present values on the reference deciles', () => {
    const ref = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Number.NaN];
    const cur = [0, 5, 5, 11, Number.NaN, Number.NaN];
    const f = numericSummaryFromSamples(ref, cur);
    expect(f.reference).toMatchObject({ n: 10, missing: 1, min: 1, max: 10 });
    expect(f.current).toMatchObject({ n: 4, missing: 2, min: 0, max: 11 });
    expect(Array.from(f.bins.edges)).toEqual(Array.from(quantileEdges(ref)));
    expect(Array.from(f.bins.current).reduce((s, x) => s + x, 0)).toBe(4);
    // 0 is below every edge, 11 above every edge: the open end bins catch them.
    expect(f.bins.current[0]).toBe(1);
    expect(f.bins.current[f.bins.edges.length]).toBe(1);
  });

  it('matches the value-counts path exactly', () => {
    const ref = [3, 1, 4, 1, 5, 9, 2, 6];
    const cur = [2, 7, 1, 8, 2, 8];
    expect(numericSummaryFromSamples(ref, cur)).toEqual(
      numericSummaryFromValueCounts(valueCountsFromSample(ref), valueCountsFromSample(cur)),
    );
  });
});

describe('categoricalSummaryFromSamples', () => {
  it('counts categories and missing values per side', () => {
    const f = categoricalSummaryFromSamples(['a', 'b', 'a', null, undefined], ['c']);
    expect(f.reference.missing).toBe(2);
    expect(f.reference.counts).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(f.current.counts).toEqual(new Map([['c', 1]]));
  });
});
