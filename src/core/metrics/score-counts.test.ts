import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averagePrecision, rocAuc } from './roc.js';
import { averagePrecisionFromScoreCounts, rocAucFromScoreCounts, type ScoreCount } from './score-counts.js';

function toCounts(y: number[], s: number[]): ScoreCount[] {
  const m = new Map<number, { pos: number; neg: number }>();
  y.forEach((label, i) => {
    const e = m.get(s[i]!) ?? { pos: 0, neg: 0 };
    if (label === 1) e.pos++;
    else e.neg++;
    m.set(s[i]!, e);
  });
  return [...m].map(([score, c]) => ({ score, ...c }));
}

describe('metrics from score counts', () => {
  it('equal rocAuc and averagePrecision on the expanded rows, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 2,
          maxLength: 200,
        }),
        (pairs) => {
          const y = pairs.map((p) => p[0]);
          const s = pairs.map((p) => p[1] / 20);
          const counts = toCounts(y, s);
          const auc = rocAuc(y, s);
          if (Number.isNaN(auc)) expect(rocAucFromScoreCounts(counts)).toBeNaN();
          else expect(rocAucFromScoreCounts(counts)).toBeCloseTo(auc, 12);
          expect(averagePrecisionFromScoreCounts(counts)).toBeCloseTo(averagePrecision(y, s), 12);
        },
      ),
    );
  });
  it('is NaN for AUC with one class and 0 AP without positives', () => {
    expect(rocAucFromScoreCounts([{ score: 0.3, pos: 2, neg: 0 }])).toBeNaN();
    expect(averagePrecisionFromScoreCounts([{ score: 0.3, pos: 0, neg: 2 }])).toBe(0);
  });
});
