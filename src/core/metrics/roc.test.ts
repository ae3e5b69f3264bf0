import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../stats/index.js';
import { averagePrecision, rocAuc, rocAucOvo, rocAucOvr } from './roc.js';

// Definitions written the slow way, as independent oracles.
function pairwiseAuc(y: number[], s: number[]): number {
  let wins = 0;
  let pairs = 0;
  y.forEach((yi, i) => {
    y.forEach((yj, j) => {
      if (yi === 1 && yj === 0) {
        pairs++;
        wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    });
  });
  return wins / pairs;
}

function thresholdAp(y: number[], s: number[]): number {
  const positives = y.filter((v) => v === 1).length;
  const thresholds = [...new Set(s)].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const tp = y.filter((v, i) => v === 1 && s[i]! >= t).length;
    const fp = y.filter((v, i) => v === 0 && s[i]! >= t).length;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp + fp > 0 ? tp / (tp + fp) : 0);
    prevRecall = recall;
  }
  return ap;
}

const labelled = fc
  .array(
    fc.tuple(
      fc.constantFrom(0, 1),
      fc.integer({ min: 0, max: 6 }).map((x) => x / 6),
    ),
    { minLength: 2, maxLength: 60 },
  )
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0));

describe('rocAuc', () => {
  it('equals the pairwise definition with ties counted ½, and U/(n1·n0)', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const y = rows.map(([v]) => v);
        const s = rows.map(([, v]) => v);
        const auc = rocAuc(y, s);
        expect(auc).toBeCloseTo(pairwiseAuc(y, s), 12);
        const pos = s.filter((_, i) => y[i] === 1);
        const neg = s.filter((_, i) => y[i] === 0);
        const u = mannWhitneyU(pos, neg);
        expect(u.ok && u.statistic / (pos.length * neg.length)).toBeCloseTo(auc, 12);
      }),
    );
  });

  it('is NaN when undefined (one class, empty, NaN score)', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(rocAuc([], [])).toBeNaN();
    expect(rocAuc([0, 1], [Number.NaN, 0.3])).toBeNaN();
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(RangeError);
  });

  it('orders ±Infinity scores', () => {
    expect(rocAuc([0, 1], [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY])).toBe(1);
  });
});

describe('averagePrecision', () => {
  it('equals the threshold-by-threshold definition', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const y = rows.map(([v]) => v);
        const s = rows.map(([, v]) => v);
        expect(averagePrecision(y, s)).toBeCloseTo(thresholdAp(y, s), 12);
      }),
    );
  });

  it('is 1 for a perfect ranking, 0 without positives (sklearn), NaN on empty input', () => {
    expect(averagePrecision([0, 1, 1], [0.1, 0.8, 0.9])).toBe(1);
    expect(averagePrecision([0, 0], [0.1, 0.8])).toBe(0);
    expect(averagePrecision([], [])).toBeNaN();
  });
});

describe('multiclass ROC AUC', () => {
  const y = [0, 1, 2, 2, 1, 0];
  const probs = [
    [0.7, 0.2, 0.1],
    [0.3, 0.4, 0.3],
    [0.2, 0.2, 0.6],
    [0.1, 0.5, 0.4],
    [0.2, 0.6, 0.2],
    [0.5, 0.4, 0.1],
  ];

  it('averages one-vs-rest AUCs, unweighted or by support', () => {
    const perClass = [0, 1, 2].map((c) =>
      rocAuc(
        y.map((v) => (v === c ? 1 : 0)),
        probs.map((row) => row[c]!),
      ),
    );
    expect(rocAucOvr(y, probs)).toBeCloseTo((perClass[0]! + perClass[1]! + perClass[2]!) / 3, 15);
    // Every class has support 2 here, so weighted = macro.
    expect(rocAucOvr(y, probs, { average: 'weighted' })).toBeCloseTo(rocAucOvr(y, probs), 15);
  });

  it('averages Hand & Till pairwise AUCs', () => {
    expect(
      rocAucOvo(
        [0, 1, 2],
        [
          [0.8, 0.1, 0.1],
          [0.1, 0.8, 0.1],
          [0.1, 0.1, 0.8],
        ],
      ),
    ).toBe(1);
    expect(rocAucOvo(y, probs)).toBeGreaterThan(0.5);
  });

  it('is NaN when a class is absent and rejects bad class indices', () => {
    expect(
      rocAucOvr(
        [0, 0, 1],
        [
          [0.5, 0.3, 0.2],
          [0.6, 0.2, 0.2],
          [0.1, 0.8, 0.1],
        ],
      ),
    ).toBeNaN();
    expect(() =>
      rocAucOvr(
        [0, 3],
        [
          [1, 0],
          [0, 1],
        ],
      ),
    ).toThrow(RangeError);
  });
});
