import { describe, expect, it } from 'vitest';
import { addConfusion, groupRates, paritySummary } from './parity.js';

// Hand-computed groups:
//   A: tp 30 fp 10 tn 50 fn 10 (n 100): selection 0.40, TPR 0.75, FPR 10/60 = 1/6
//   B: tp 10 fp 10 tn 70 fn 10 (n 100): selection 0.20, TPR 0.50, FPR 10/80 = 1/8
//   C: tp 18 fp  6 tn 30 fn  6 (n  60): selection 0.40, TPR 0.75, FPR  6/36 = 1/6
const A = { value: 'A', confusion: { tp: 30, fp: 10, tn: 50, fn: 10 } };
const B = { value: 'B', confusion: { tp: 10, fp: 10, tn: 70, fn: 10 } };
const C = { value: 'C', confusion: { tp: 18, fp: 6, tn: 30, fn: 6 } };

describe('groupRates', () => {
  it('derives the rates of group A', () => {
    const r = groupRates(A.confusion);
    expect(r).toMatchObject({ n: 100, selection_rate: 0.4, tpr: 0.75, precision: 0.75, accuracy: 0.8 });
    expect(r.fpr).toBeCloseTo(1 / 6, 15);
  });

  it('is NaN where a denominator is zero, and rejects negative counts', () => {
    const r = groupRates({ tp: 0, fp: 3, tn: 7, fn: 0 });
    expect(r.tpr).toBeNaN();
    expect(r.precision).toBe(0);
    expect(() => groupRates({ tp: -1, fp: 0, tn: 0, fn: 0 })).toThrow(/confusion.tp/);
  });
});

describe('paritySummary', () => {
  it('matches the hand-computed parity of A, B, C', () => {
    const p = paritySummary([A, B, C]);
    expect(p.demographic_parity_difference).toBeCloseTo(0.2, 15);
    expect(p.demographic_parity_ratio).toBeCloseTo(0.5, 15);
    expect(p.equal_opportunity_difference).toBeCloseTo(0.25, 15);
    expect(p.fpr_difference).toBeCloseTo(1 / 6 - 1 / 8, 15);
    expect(p.equalized_odds_difference).toBeCloseTo(0.25, 15);
    expect(p.disparate_impact_ratio).toBeCloseTo(0.5, 15);
    expect(p.reference_group).toBe('A');
    expect(p.four_fifths).toEqual({ passed: false, failing: ['B'] });
  });

  it('passes the four-fifths rule at exactly 0.8 of the top rate', () => {
    // selection 0.5 and 0.4: ratio 0.8, not below it.
    const p = paritySummary([
      { value: 'x', confusion: { tp: 25, fp: 25, tn: 25, fn: 25 } },
      { value: 'y', confusion: { tp: 20, fp: 20, tn: 30, fn: 30 } },
    ]);
    expect(p.disparate_impact_ratio).toBeCloseTo(0.8, 15);
    expect(p.four_fifths.passed).toBe(true);
  });

  it('leaves a group without actual positives out of the TPR gap', () => {
    const p = paritySummary([A, B, { value: 'D', confusion: { tp: 0, fp: 5, tn: 5, fn: 0 } }]);
    expect(p.equal_opportunity_difference).toBeCloseTo(0.25, 15);
  });

  it('is undefined with fewer than two groups', () => {
    const p = paritySummary([A]);
    expect(p.demographic_parity_difference).toBeNaN();
    expect(p.reference_group).toBeNull();
    expect(p.four_fifths).toEqual({ passed: null, failing: [] });
  });
});

describe('addConfusion', () => {
  it('adds counts field by field', () => {
    expect(addConfusion([A.confusion, B.confusion, C.confusion])).toEqual({
      tp: 58,
      fp: 26,
      tn: 150,
      fn: 26,
    });
  });
});
