import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PSI_FLOOR, psiFromCounts, psiFromProportions, psiQuantile } from './psi.js';

const countsArb = fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 6, maxLength: 6 });

describe('PSI', () => {
  it('matches the definition on a hand-worked example', () => {
    // e = (.5, .5), a = (.3, .7): (−.2)·ln(.6) + (.2)·ln(1.4)
    expect(psiFromCounts([50, 50], [30, 70])).toBeCloseTo(-0.2 * Math.log(0.6) + 0.2 * Math.log(1.4), 15);
  });

  it('floors empty bins at 1e-4 by default, and the floor is an option', () => {
    const withFloor = (f: number) => (0.2 - f) * Math.log(0.2 / f);
    expect(PSI_FLOOR).toBe(1e-4);
    expect(psiFromProportions([0.5, 0.5, 0], [0.4, 0.4, 0.2])).toBeCloseTo(
      2 * (-0.1 * Math.log(0.8)) + withFloor(1e-4),
      14,
    );
    expect(psiFromProportions([0.5, 0.5, 0], [0.4, 0.4, 0.2], { floor: 1e-6 })).toBeCloseTo(
      2 * (-0.1 * Math.log(0.8)) + withFloor(1e-6),
      14,
    );
  });

  it('is NaN when a side has no observations, and rejects bad input', () => {
    expect(psiFromCounts([0, 0], [1, 2])).toBeNaN();
    expect(() => psiFromCounts([1, 2], [1])).toThrow(RangeError);
    expect(() => psiFromCounts([1, -2], [1, 1])).toThrow(RangeError);
  });

  it('is non-negative, zero on identical shares and symmetric in its arguments', () => {
    fc.assert(
      fc.property(countsArb, countsArb, (a, b) => {
        fc.pre(a.some((x) => x > 0) && b.some((x) => x > 0));
        const psi = psiFromCounts(a, b);
        return psi >= 0 && Math.abs(psi - psiFromCounts(b, a)) <= 1e-12 && psiFromCounts(a, a) === 0;
      }),
    );
  });

  it('counts NaN in a missing bin of its own', () => {
    const ref = Array.from({ length: 100 }, (_, i) => i);
    const cur = [...ref.slice(0, 90), ...Array<number>(10).fill(Number.NaN)];
    const r = psiQuantile(ref, cur);
    expect(r.missingBin).toBe(true);
    expect(r.referenceCounts).toHaveLength(11);
    expect(r.currentCounts[10]).toBe(10);
    expect(r.psi).toBeGreaterThan(psiQuantile(ref, ref.slice(0, 90)).psi);
  });

  it('counts current values beyond the reference range in the open end bins', () => {
    const ref = Array.from({ length: 100 }, (_, i) => i);
    const r = psiQuantile(ref, [-1e9, 1e9, Number.POSITIVE_INFINITY]);
    expect(r.currentCounts[0]).toBe(1);
    expect(r.currentCounts[r.currentCounts.length - 1]).toBe(2);
  });

  it('gives NaN on an empty reference and 0 for a constant one compared with itself', () => {
    expect(psiQuantile([], [1, 2]).psi).toBeNaN();
    expect(psiQuantile([4, 4, 4], [4, 4]).psi).toBe(0);
  });
});
