import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../timeseries/synthetic.js';
import { permutationTest, signFlipTest } from './randomization.js';

describe('randomization tests', () => {
  it('sign flip: p is 1 for all-zero differences and reproducible', () => {
    expect(
      signFlipTest([0, 0, 0], mulberry32(1), 100).ok && signFlipTest([0, 0], mulberry32(1), 100),
    ).toMatchObject({
      pValue: 1,
    });
    const d = [0.1, 0.2, -0.05, 0.3];
    expect(signFlipTest(d, mulberry32(4), 500)).toEqual(signFlipTest(d, mulberry32(4), 500));
  });
  it('permutation: a clear shift has a small p-value', () => {
    const r = permutationTest([1, 2, 3, 4, 5, 6], [11, 12, 13, 14, 15, 16], mulberry32(1), 2000);
    expect(r.ok && r.difference).toBe(10);
    // Exact p = 2/924; the estimate is within a few Monte-Carlo errors.
    expect(r.ok && r.pValue).toBeLessThan(0.01);
  });
});
