import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binIndex,
  createHistogram,
  diffHistograms,
  type Histogram,
  histogramOf,
  mergeHistograms,
  recordValue,
  sharedBinCounts,
} from './histogram.js';

const EDGES = [-1, 0, 2.5];
const valueArb = fc.oneof(
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0, 2.5),
);
const plain = (h: Histogram) => ({ counts: Array.from(h.counts), missing: h.missing });

describe('histogram', () => {
  it('bins by searchsorted right: a value on an edge goes to the upper bin', () => {
    expect([-2, -1, -0.5, 0, 2.5, 3].map((x) => binIndex(EDGES, x))).toEqual([0, 1, 1, 2, 3, 3]);
    expect(binIndex(EDGES, Number.NEGATIVE_INFINITY)).toBe(0);
    expect(binIndex(EDGES, Number.POSITIVE_INFINITY)).toBe(3);
    expect(binIndex([], 42)).toBe(0);
  });

  it('counts NaN as missing', () => {
    const h = histogramOf(EDGES, [Number.NaN, 1, Number.NaN]);
    expect(plain(h)).toEqual({ counts: [0, 0, 1, 0], missing: 2 });
  });

  it('rejects unsorted or NaN edges and mismatched merges', () => {
    expect(() => createHistogram([1, 1])).toThrow(RangeError);
    expect(() => createHistogram([Number.NaN])).toThrow(RangeError);
    expect(() => mergeHistograms(createHistogram([0]), createHistogram([1]))).toThrow(RangeError);
    expect(() => diffHistograms(createHistogram([0]), histogramOf([0], [1]))).toThrow(RangeError);
  });

  it('merge equals recording everything at once, and is associative and commutative', () => {
    fc.assert(
      fc.property(fc.array(valueArb), fc.array(valueArb), fc.array(valueArb), (a, b, c) => {
        const [ha, hb, hc] = [a, b, c].map((xs) => histogramOf(EDGES, xs)) as [
          Histogram,
          Histogram,
          Histogram,
        ];
        const all = plain(histogramOf(EDGES, [...a, ...b, ...c]));
        expect(plain(mergeHistograms(mergeHistograms(ha, hb), hc))).toEqual(all);
        expect(plain(mergeHistograms(ha, mergeHistograms(hb, hc)))).toEqual(all);
        expect(plain(mergeHistograms(hb, ha))).toEqual(plain(mergeHistograms(ha, hb)));
        expect(plain(diffHistograms(mergeHistograms(ha, hb), hb))).toEqual(plain(ha));
      }),
    );
  });

  it('the empty histogram is the identity of merge', () => {
    const h = histogramOf(EDGES, [1, 2, 3]);
    expect(plain(mergeHistograms(h, createHistogram(EDGES)))).toEqual(plain(h));
  });

  it('records weighted counts', () => {
    const h = createHistogram([0]);
    recordValue(h, 5, 3);
    expect(plain(h)).toEqual({ counts: [0, 3], missing: 0 });
  });

  it('lays out shared bins with a trailing missing bin only when needed', () => {
    const ref = histogramOf([0], [-1, 1]);
    const cur = histogramOf([0], [1, 1]);
    expect(sharedBinCounts(ref, cur)).toMatchObject({ missingBin: false });
    const curWithNaN = histogramOf([0], [1, Number.NaN]);
    const shared = sharedBinCounts(ref, curWithNaN);
    expect(Array.from(shared.reference)).toEqual([1, 1, 0]);
    expect(Array.from(shared.current)).toEqual([0, 1, 1]);
  });
});
