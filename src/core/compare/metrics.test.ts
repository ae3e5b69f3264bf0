import { describe, expect, it } from 'vitest';
import { COMPARE_METRICS, metricsFor } from './metrics.js';

describe('COMPARE_METRICS', () => {
  it('names each task metric once and puts the primary first', () => {
    const first = (t: string) => COMPARE_METRICS.find((m) => m.task === t)!.name;
    expect(['binary', 'multiclass', 'regression', 'ranking'].map(first)).toEqual([
      'auc',
      'accuracy',
      'mae',
      'ndcg@10',
    ]);
    const keys = COMPARE_METRICS.map((m) => `${m.task}/${m.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
  it('computes metrics on an index subset', () => {
    const side = { target: [1, 0, 1, 1], prediction: [1, 1, 0, 1] };
    const acc = COMPARE_METRICS.find((m) => m.task === 'binary' && m.name === 'accuracy')!;
    expect(acc.value(side, [0, 1, 3])).toBeCloseTo(2 / 3, 15);
    const recall = COMPARE_METRICS.find((m) => m.name === 'recall')!;
    expect(recall.value(side, [0, 1, 2, 3])).toBeCloseTo(2 / 3, 15);
  });
  it('lists only metrics both sides can compute', () => {
    const s = { target: [1, 0], score: [0.2, 0.4] };
    expect(metricsFor('binary', s, s).map((m) => m.name)).toEqual(['auc', 'brier', 'ece']);
  });
});
