import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KL_EPS, klDivergence } from './kl-divergence.js';

describe('KL divergence', () => {
  it('matches the definition when no bin is empty', () => {
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 15);
    expect(klDivergence([10, 10], [5, 15])).toBeCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 15);
  });

  it('replaces empty bins by eps = 1e-4 and renormalises', () => {
    expect(KL_EPS).toBe(1e-4);
    // p = (1, ε)/(1 + ε), q = (ε, 1)/(1 + ε): KL = (1 − ε)/(1 + ε) · ln(1/ε)
    const eps = 1e-4;
    expect(klDivergence([1, 0], [0, 1])).toBeCloseTo(((1 - eps) / (1 + eps)) * Math.log(1 / eps), 12);
    const eps2 = 1e-6;
    expect(klDivergence([1, 0], [0, 1], { eps: eps2 })).toBeCloseTo(
      ((1 - eps2) / (1 + eps2)) * Math.log(1 / eps2),
      12,
    );
  });

  it('is 0 for identical inputs, non-negative, and NaN for an empty side', () => {
    expect(klDivergence([1, 2, 0], [2, 4, 0])).toBe(0);
    expect(klDivergence([0, 0], [1, 1])).toBeNaN();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 4, maxLength: 4 }),
        (p, q) => {
          fc.pre(p.some((x) => x > 0) && q.some((x) => x > 0));
          return klDivergence(p, q) >= 0;
        },
      ),
    );
  });
});
