import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jensenShannonDistance, jensenShannonDivergence } from './jensen-shannon.js';

const countsArb = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 5, maxLength: 5 });
const nonEmpty = (xs: number[]): boolean => xs.reduce((s, x) => s + x, 0) > 0;

describe('Jensen–Shannon', () => {
  it('is 0 for identical and 1 (base 2) or √ln 2 (natural) for disjoint distributions', () => {
    expect(jensenShannonDistance([1, 2, 3], [2, 4, 6])).toBe(0);
    expect(jensenShannonDistance([1, 1, 0, 0], [0, 0, 3, 7])).toBe(1);
    expect(jensenShannonDistance([1, 1, 0, 0], [0, 0, 3, 7], { base: 'e' })).toBeCloseTo(
      Math.sqrt(Math.LN2),
      15,
    );
  });

  it('matches the definition on a two-bin example', () => {
    // p = (1, 0), q = (½, ½), m = (¾, ¼): JSD = ½(ln(4/3) + ½ln(2/3) + ½ln 2) nats
    const jsd = 0.5 * (Math.log(4 / 3) + 0.5 * Math.log(2 / 3) + 0.5 * Math.log(2));
    expect(jensenShannonDivergence([1, 0], [1, 1], { base: 'e' })).toBeCloseTo(jsd, 15);
    expect(jensenShannonDivergence([1, 0], [1, 1])).toBeCloseTo(jsd / Math.LN2, 15);
  });

  it('is NaN for an empty side and rejects bad input', () => {
    expect(jensenShannonDistance([0, 0], [1, 1])).toBeNaN();
    expect(() => jensenShannonDistance([1], [1, 2])).toThrow(RangeError);
    expect(() => jensenShannonDistance([Number.NaN], [1])).toThrow(RangeError);
  });

  it('is symmetric, within [0, 1] in base 2, and scale-invariant', () => {
    fc.assert(
      fc.property(countsArb, countsArb, fc.double({ min: 0.01, max: 1000, noNaN: true }), (p, q, k) => {
        // Scaling a subnormal count by k < 1 can underflow it to 0, emptying p: not a JS property.
        fc.pre(nonEmpty(p) && nonEmpty(q) && nonEmpty(p.map((x) => x * k)));
        const d = jensenShannonDistance(p, q);
        // Compared as divergences (d²): near d = 0 the square root turns 1e-17 of rounding in
        // the divergence into 3e-9 of distance (a seed found it), which says nothing about JS.
        const dq = jensenShannonDistance(q, p);
        const dk = jensenShannonDistance(
          p.map((x) => x * k),
          q,
        );
        return (
          d >= 0 && d <= 1 + 1e-12 && Math.abs(d * d - dq * dq) <= 1e-12 && Math.abs(d * d - dk * dk) <= 1e-12
        );
      }),
    );
  });

  it('is scale-invariant up to rounding for nearly equal distributions (regression: seed 771962431)', () => {
    const p = [0, 99.99998959956406, 0, 0, 99.99998138349243];
    const q = [0, 99.99998267295892, 0, 0, 99.99999957277473];
    const d = jensenShannonDistance(p, q);
    const dk = jensenShannonDistance(
      p.map((x) => x * 236.79964215107995),
      q,
    );
    expect(Math.abs(d * d - dk * dk)).toBeLessThan(1e-12);
  });

  it('stays finite when a share is subnormal (regression: m = (p+q)/2 underflowed to 0)', () => {
    expect(jensenShannonDistance([1.3333333333333335, 0, 0, 5e-324, 0], [24, 0, 0, 0, 0])).toBeLessThan(
      1e-100,
    );
  });

  it('satisfies the triangle inequality (√JSD is a metric)', () => {
    fc.assert(
      fc.property(countsArb, countsArb, countsArb, (p, q, r) => {
        fc.pre(nonEmpty(p) && nonEmpty(q) && nonEmpty(r));
        return (
          jensenShannonDistance(p, r) <= jensenShannonDistance(p, q) + jensenShannonDistance(q, r) + 1e-12
        );
      }),
    );
  });
});
