import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dcgScore, mapAtK, meanReciprocalRank, ndcgAtK, ndcgScore, recallAtK } from './ranking.js';

describe('DCG / NDCG (sklearn semantics)', () => {
  it('uses linear gains and a log2 discount', () => {
    expect(dcgScore([[3, 2, 1, 0]], [[0.4, 0.3, 0.2, 0.1]])).toBeCloseTo(3 + 2 / Math.log2(3) + 1 / 2, 15);
    expect(ndcgScore([[3, 2, 1, 0]], [[0.4, 0.3, 0.2, 0.1]])).toBe(1);
  });

  it('averages the gain of tied scores (McSherry & Najork)', () => {
    // Both items tie: each position gets the mean gain 1.5.
    expect(dcgScore([[3, 0]], [[0.5, 0.5]])).toBeCloseTo(1.5 * (1 + 1 / Math.log2(3)), 15);
    // ignoreTies: stable ascending sort reversed puts the later item first.
    expect(dcgScore([[3, 0]], [[0.5, 0.5]], { ignoreTies: true })).toBeCloseTo(3 / Math.log2(3), 15);
  });

  it('cuts at k and scores an all-irrelevant query 0', () => {
    expect(dcgScore([[0, 5]], [[0.9, 0.1]], { k: 1 })).toBe(0);
    expect(ndcgScore([[0, 0]], [[0.9, 0.1]])).toBe(0);
    expect(ndcgScore([[1, 2]], [[0.1, 0.9]], { k: 10 })).toBe(1);
  });

  it('is in [0, 1] and does not depend on the order of tied items', () => {
    const row = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(row, fc.integer({ min: 1, max: 12 }), (pairs, k) => {
        const rel = pairs.map(([r]) => r);
        const score = pairs.map(([, s]) => s);
        const v = ndcgScore([rel], [score], { k });
        const reversed = ndcgScore([[...rel].reverse()], [[...score].reverse()], { k });
        return v >= 0 && v <= 1 + 1e-12 && Math.abs(v - reversed) < 1e-12;
      }),
    );
  });

  it('is NaN for no queries or NaN scores, ranks ±Infinity, and rejects mismatched rows', () => {
    expect(ndcgScore([], [])).toBeNaN();
    expect(ndcgScore([[1, 0]], [[Number.NaN, 0.5]])).toBeNaN();
    expect(
      ndcgScore(
        [[0, 1, 1]],
        [[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]],
      ),
    ).toBe(1);
    expect(() => ndcgScore([[1]], [])).toThrow(RangeError);
    expect(() => ndcgScore([[1, 2]], [[1]])).toThrow(RangeError);
  });
});

describe('ranked-list metrics', () => {
  const q = { ranking: ['a', 'b', 'c', 'd'], relevance: { a: 0, b: 2, d: 1, z: 3 } };

  it('NDCG@k uses the ideal order of all judged items', () => {
    const dcg = 2 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 3 + 2 / Math.log2(3) + 1 / 2;
    expect(ndcgAtK([q], 4)).toBeCloseTo(dcg / ideal, 15);
  });

  it('equals the score-matrix NDCG when the ranking lists every item by descending score', () => {
    const rel = [0, 3, 1, 2];
    const score = [0.1, 0.7, 0.9, 0.3];
    const ranking = ['i2', 'i1', 'i3', 'i0'];
    const relevance = Object.fromEntries(rel.map((r, i) => [`i${i}`, r]));
    for (const k of [1, 2, 4])
      expect(ndcgAtK([{ ranking, relevance }], k)).toBeCloseTo(ndcgScore([rel], [score], { k }), 15);
  });

  it('computes MAP@k, MRR and recall@k', () => {
    // Relevant: b, d, z (R = 3). Hits at ranks 2 and 4.
    expect(mapAtK([q], 4)).toBeCloseTo((1 / 2 + 2 / 4) / 3, 15);
    expect(mapAtK([q], 2)).toBeCloseTo(1 / 2 / 2, 15);
    expect(meanReciprocalRank([q])).toBe(0.5);
    expect(meanReciprocalRank([q], 1)).toBe(0);
    expect(recallAtK([q], 2)).toBeCloseTo(1 / 3, 15);
  });

  it('scores queries without relevant items 0 and an empty list NaN', () => {
    const none = { ranking: ['a'], relevance: {} };
    expect([ndcgAtK([none], 3), mapAtK([none], 3), meanReciprocalRank([none]), recallAtK([none], 3)]).toEqual(
      [0, 0, 0, 0],
    );
    expect(ndcgAtK([], 3)).toBeNaN();
  });
});
