import { describe, expect, it } from 'vitest';
import type { SegmentComparison } from '../../../src/server/api-types.js';
import { byHarm } from './compare-order.js';

const seg = (
  value: string,
  difference: number | null,
  verdict: SegmentComparison['verdict'],
): SegmentComparison => ({
  column: 'user',
  value,
  n_reference: 10,
  n_candidate: 10,
  reference: null,
  candidate: null,
  difference,
  ci: null,
  p_value: null,
  adjusted_p_value: null,
  test: 'delong_paired',
  verdict,
  flagged: verdict === 'worse',
});

describe('byHarm', () => {
  it('puts significantly worse segments first, then the larger losses (direction-aware), undefined last', () => {
    const s = [
      seg('a', 0.1, 'better'),
      seg('b', -0.02, 'no_detectable_difference'),
      seg('c', -0.01, 'worse'),
      seg('d', null, 'no_detectable_difference'),
      seg('e', -0.3, 'worse'),
    ];
    expect(byHarm(s, true).map((x) => x.value)).toEqual(['e', 'c', 'b', 'a', 'd']);
    // Lower is better (an error): a positive difference is a loss.
    expect(byHarm(s, false).map((x) => x.value)).toEqual(['c', 'e', 'a', 'b', 'd']);
  });
});
