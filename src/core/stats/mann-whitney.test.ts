import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannWhitneyCdf, mannWhitneyU } from './mann-whitney.js';

// Brute force: every choice of which n1 of the n1+n2 ranks belong to x is equally likely.
function bruteForceCdf(n1: number, n2: number): number[] {
  const counts = new Array<number>(n1 * n2 + 1).fill(0);
  let total = 0;
  const walk = (rank: number, left: number, u: number): void => {
    if (left === 0) {
      counts[u]! += 1;
      total++;
      return;
    }
    for (let r = rank; r <= n1 + n2 - left; r++) {
      // x at 0-based rank r beats the r − (already placed x) values of y below it.
      walk(r + 1, left - 1, u + (r - (n1 - left)));
    }
  };
  walk(0, n1, 0);
  let acc = 0;
  return counts.map((c) => {
    acc += c;
    return acc / total;
  });
}

describe('mannWhitneyCdf', () => {
  it.each([
    [1, 1],
    [2, 3],
    [4, 4],
    [3, 7],
    [6, 5],
  ])('equals the enumeration of all rank assignments for n1=%i, n2=%i', (n1, n2) => {
    const cdf = bruteForceCdf(n1, n2);
    cdf.forEach((p, u) => {
      expect(mannWhitneyCdf(n1, n2, u)).toBeCloseTo(p, 14);
    });
    expect(mannWhitneyCdf(n1, n2, -1)).toBe(0);
  });

  it('does not overflow for large samples and approaches the normal approximation', () => {
    const n = 400;
    const mu = (n * n) / 2;
    const sigma = Math.sqrt((n * n * (2 * n + 1)) / 12);
    const p = mannWhitneyCdf(n, n, mu - 2 * sigma);
    expect(p).toBeGreaterThan(0.02);
    expect(p).toBeLessThan(0.025);
  });
});

describe('mannWhitneyU', () => {
  it('reports U of the first sample, with U1 + U2 = n1·n2 and a symmetric p-value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 15 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 15 }),
        (x, y) => {
          const a = mannWhitneyU(x, y);
          const b = mannWhitneyU(y, x);
          if (!a.ok || !b.ok) return false;
          return a.statistic + b.statistic === x.length * y.length && Math.abs(a.pValue - b.pValue) <= 1e-12;
        },
      ),
    );
  });

  it("chooses 'exact' for small samples without ties, 'asymptotic' otherwise", () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r).toMatchObject({ method: 'exact', statistic: 0 });
    expect(r.ok && r.pValue).toBeCloseTo(2 / 20, 14); // 2·P(U ≤ 0) = 2/C(6, 3)
    expect(mannWhitneyU([1, 2, 3], [3, 5, 6])).toMatchObject({ method: 'asymptotic' });
  });

  it("truncates a half-integer U in 'exact' as scipy does (regression: used the complement's floor)", () => {
    // U1 = 0.5, U = 3.5 → p = 2·P(U ≥ 3) = 2·P(U ≤ 1) = 2·2/6 for n1 = n2 = 2.
    const r = mannWhitneyU([1, 2], [2, 3], { method: 'exact' });
    expect(r).toMatchObject({ ok: true, statistic: 0.5, method: 'exact' });
    expect(r.ok && r.pValue).toBeCloseTo(2 * mannWhitneyCdf(2, 2, 1), 15);
    expect(r.ok && r.pValue).toBeCloseTo(4 / 6, 15);
  });

  it('gives p = 1 when everything is tied and is undefined for an empty sample', () => {
    expect(mannWhitneyU([2, 2], [2, 2, 2])).toMatchObject({ ok: true, statistic: 3, pValue: 1 });
    expect(mannWhitneyU([], [1])).toMatchObject({ ok: false, code: 'empty_sample' });
    expect(mannWhitneyU([1, Number.NaN], [2])).toEqual(mannWhitneyU([1], [2]));
  });
});
