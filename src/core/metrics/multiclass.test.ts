import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareLabels, multiclassLogLoss, multiclassMetrics } from './multiclass.js';

describe('multiclassMetrics', () => {
  it('computes per-class, macro, weighted and micro scores', () => {
    const m = multiclassMetrics(['a', 'a', 'b', 'c', 'c', 'c'], ['a', 'b', 'b', 'c', 'c', 'a']);
    expect(m.labels).toEqual(['a', 'b', 'c']);
    expect(m.perClass.precision).toEqual([0.5, 0.5, 1]);
    expect(m.perClass.recall).toEqual([0.5, 1, 2 / 3]);
    expect(m.perClass.support).toEqual([2, 1, 3]);
    expect(m.macro.precision).toBeCloseTo(2 / 3, 15);
    expect(m.weighted.recall).toBeCloseTo((2 * 0.5 + 1 + 3 * (2 / 3)) / 6, 15);
    expect(m.micro.f1).toBeCloseTo(4 / 6, 15);
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
  });

  it('micro P = R = F1 = accuracy for single-label data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1 }),
        (rows) => {
          const m = multiclassMetrics(
            rows.map(([t]) => t),
            rows.map(([, p]) => p),
          );
          return [m.micro.precision, m.micro.recall, m.micro.f1].every(
            (x) => Math.abs(x - m.accuracy) < 1e-12,
          );
        },
      ),
    );
  });

  it('restricts to the given labels and sorts numbers before strings by default', () => {
    expect([2, 'b', 1, 'a'].sort(compareLabels)).toEqual([1, 2, 'a', 'b']);
    const m = multiclassMetrics([0, 1, 2], [0, 1, 1], { labels: [0, 1] });
    expect(m.labels).toEqual([0, 1]);
    expect(m.perClass.precision).toEqual([1, 0.5]);
  });

  it('is NaN on empty input', () => {
    expect(multiclassMetrics([], []).accuracy).toBeNaN();
    expect(() => multiclassMetrics([1], [])).toThrow(RangeError);
  });
});

describe('multiclassLogLoss', () => {
  it('is −mean ln p[y] after clip and renormalisation', () => {
    expect(
      multiclassLogLoss(
        [0, 1],
        [
          [0.8, 0.2],
          [0.4, 0.6],
        ],
      ),
    ).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    // Rows are renormalised: (2, 2) counts as (½, ½).
    expect(multiclassLogLoss([0], [[2, 2]])).toBeCloseTo(Math.log(2), 15);
    expect(Number.isFinite(multiclassLogLoss([1], [[1, 0]]))).toBe(true);
  });

  it('is NaN on empty input or NaN probabilities; rejects bad class indices', () => {
    expect(multiclassLogLoss([], [])).toBeNaN();
    expect(multiclassLogLoss([0], [[Number.NaN, 0.5]])).toBeNaN();
    expect(() => multiclassLogLoss([2], [[0.5, 0.5]])).toThrow(RangeError);
  });
});
