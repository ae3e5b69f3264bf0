import { describe, expect, it } from 'vitest';
import { compareModels } from './compare.js';
import { evaluateComparison, pairRecords } from './evaluate.js';

describe('pairRecords', () => {
  it('pairs the shared ids in the reference order, the first of a repeated id winning on each side', () => {
    expect(pairRecords(['a', 'b', 'c', 'a'], ['c', 'x', 'a', 'c'])).toEqual({
      reference: [0, 2],
      candidate: [2, 0],
    });
    expect(pairRecords(['a'], ['b'])).toEqual({ reference: [], candidate: [] });
  });
});

describe('evaluateComparison', () => {
  const target = [0, 1, 0, 1, 1, 0, 1, 0, 1, 0];
  const input = {
    task: 'binary' as const,
    paired: true,
    reference: { target, score: [0.2, 0.6, 0.4, 0.7, 0.5, 0.3, 0.8, 0.6, 0.4, 0.1] },
    candidate: { target, score: [0.1, 0.9, 0.3, 0.8, 0.7, 0.2, 0.9, 0.4, 0.6, 0.2] },
  };
  it('is compareModels with the effect applied to the primary metric (the default one or --metric)', () => {
    expect(evaluateComparison(input, { effect: 0.05, resamples: 200 })).toEqual(
      compareModels(input, { effect: { auc: 0.05 }, resamples: 200 }),
    );
    const acc = evaluateComparison(input, { metric: 'brier', effect: 0.1, resamples: 200 });
    expect(acc.primary_metric).toBe('brier');
    expect(acc.metrics.find((m) => m.metric === 'brier')?.effect).toBe(0.1);
    expect(() => evaluateComparison(input, { metric: 'f2' })).toThrow(/unknown metric f2/);
  });
});
