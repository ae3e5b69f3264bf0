import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hellingerDistance } from './hellinger.js';

const countsArb = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 4, maxLength: 4 });

describe('Hellinger distance', () => {
  it('is 0 for identical, 1 for disjoint distributions', () => {
    expect(hellingerDistance([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(hellingerDistance([1, 0], [0, 1])).toBe(1);
  });

  it('equals √(1 − Σ√(pq)) on a hand example', () => {
    // p = (½, ½), q = (¼, ¾)
    const bc = Math.sqrt(0.5 * 0.25) + Math.sqrt(0.5 * 0.75);
    expect(hellingerDistance([1, 1], [1, 3])).toBeCloseTo(Math.sqrt(1 - bc), 15);
  });

  it('is NaN for an empty side', () => {
    expect(hellingerDistance([0, 0], [1, 0])).toBeNaN();
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(countsArb, countsArb, (p, q) => {
        fc.pre(p.some((x) => x > 0) && q.some((x) => x > 0));
        const h = hellingerDistance(p, q);
        return h >= 0 && h <= 1 && Math.abs(h - hellingerDistance(q, p)) <= 1e-12;
      }),
    );
  });
});
