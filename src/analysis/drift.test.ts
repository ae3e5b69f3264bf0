import { describe, expect, it } from 'vitest';
import { evaluateDrift } from '../core/index.js';
import { summariesOf } from './drift.js';
import type { DriftAggregates } from './drift-aggregates.js';

const side = (n: number) => ({ n, mean: 1, std: 1, min: 0, max: 2, deciles: [] });

/** aggregates of one numeric feature whose current side got 2 rows between two queries. */
function racedAggregates(): DriftAggregates {
  return {
    rows: { ref: 40, cur: 42 },
    numeric: [
      {
        name: 'x',
        ref: side(40),
        cur: side(40),
        distinct: 3,
        ksStatistic: 0.1,
        wasserstein: 0.1,
        valueCounts: { values: [0, 1, 2], ref: [10, 20, 10], cur: [10, 20, 10] },
        bins: { edges: [0.5, 1.5], ref: [10, 20, 10], cur: [12, 20, 10] },
      },
    ],
    categorical: [],
    explicitNull: new Map(),
  };
}

describe('summariesOf', () => {
  it('lets the bins decide n when rows landed between the queries, and drops value counts that disagree', () => {
    const { summaries } = summariesOf(racedAggregates());
    const x = summaries.get('x');
    if (x?.type !== 'numeric') throw new Error('x should be numeric');
    expect(x.current.n).toBe(42);
    expect(x.current.missing).toBe(0);
    expect(x.current.valueCounts).toBeUndefined();
    expect(x.reference.n).toBe(40);
    expect(x.reference.valueCounts?.counts).toEqual([10, 20, 10]);
    // The core accepts the reconciled summary (it refuses bins that disagree with n).
    expect(() => evaluateDrift(summaries)).not.toThrow();
  });
});
