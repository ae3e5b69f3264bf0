import kstest from '@stdlib/stats-kstest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kolmogorovSf, kstwoSf, smirnovSf } from './kolmogorov.js';
import { durbinMtwCdf, ldexp, pomeranzCdf } from './kolmogorov-methods.js';

// Independent oracle: @stdlib/stats-kstest computes the exact one-sample p-value with the
// Marsaglia–Tsang–Wang algorithm (two-sided) and the exact one-sided Smirnov distribution. We
// feed it a sample on U(0, 1) built so that its statistic is d: ⌈dn⌉ tied points at
// ⌈dn⌉/n − d (so D⁺ = d there) and the rest at (i − ½)/n (deviations ½n ≤ d).
// Its two-sided routine switches to Marsaglia's quick approximation when nd² > 7.24, or > 3.76
// with n > 99, so the two-sided oracle is only used below those limits.
function sampleWithStatistic(n: number, d: number): number[] {
  const m = Math.ceil(d * n);
  return Array.from({ length: n }, (_, i) => (i < m ? m / n - d : (i + 0.5) / n));
}
const identity = (v: number): number => v;
const exactTwoSided = (n: number, d: number): number => kstest(sampleWithStatistic(n, d), identity).pValue;
const exactOneSided = (n: number, d: number): number =>
  kstest(sampleWithStatistic(n, d), identity, { alternative: 'greater' }).pValue;

/** Exact branches: stdlib works as 1 − CDF in float64, so agreement is ~1e-12 relative. */
const EXACT = { rel: 1e-9 };

describe('kstwoSf', () => {
  // [n, x, branch] covering every exact branch of the Simard–L'Ecuyer selection.
  const exactCases: Array<[number, number, string]> = [
    [5, 0.15, 'Ruben–Gambino nx ≤ 1'],
    [3, 0.75, 'Ruben–Gambino nx ≥ n − 1'],
    [20, 0.6, 'x ≥ 1/2: 2·smirnov'],
    [10, 0.274, 'Durbin/MTW, n ≤ 140'],
    [100, 0.05, 'Durbin/MTW, n ≤ 140'],
    [27, 0.3, 'Pomeranz'],
    [55, 0.2366, 'Pomeranz'],
    [140, 0.1, 'Pomeranz'],
    [500, 0.02, 'Durbin/MTW, n > 140'],
    [1000, 0.01, 'Durbin/MTW, n > 140'],
  ];
  it.each(exactCases)('n=%i x=%f matches the exact distribution (%s)', (n, x) => {
    const expected = exactTwoSided(n, x);
    expect(Math.abs(kstwoSf(n, x) - expected)).toBeLessThanOrEqual(EXACT.rel * expected);
  });

  it('uses the Miller form 2·P(D⁺ ≥ x) for n ≤ 140 and nx² > 4, as scipy does', () => {
    // P(D ≥ x) = 2·P(D⁺ ≥ x) − P(D⁺ ≥ x, D⁻ ≥ x); the last term is negligible this far out.
    for (const [n, x] of [
      [140, 0.2],
      [100, 0.25],
    ] as const) {
      const expected = 2 * exactOneSided(n, x);
      expect(Math.abs(kstwoSf(n, x) - expected)).toBeLessThanOrEqual(EXACT.rel * expected);
      expect(Math.abs(kstwoSf(n, x) - (1 - pomeranzCdf(n, x)))).toBeLessThanOrEqual(1e-6 * expected);
    }
  });

  it('uses Pelz–Good for large n and moderate x (approximation within 1e-6)', () => {
    const exact = exactTwoSided(500, 0.05);
    expect(Math.abs(kstwoSf(500, 0.05) / exact - 1)).toBeLessThan(1e-6);
  });

  it('handles bounds and invalid sizes', () => {
    expect(kstwoSf(10, 0)).toBe(1);
    expect(kstwoSf(10, -1)).toBe(1);
    expect(kstwoSf(10, 1)).toBe(0);
    expect(kstwoSf(10, 0.04)).toBe(1); // x ≤ 1/(2n)
    expect(kstwoSf(10, Number.NaN)).toBeNaN();
    expect(kstwoSf(0, 0.3)).toBeNaN();
    expect(kstwoSf(2.5, 0.3)).toBeNaN();
    expect(kstwoSf(200, 0.99)).toBeGreaterThanOrEqual(0);
    expect(kstwoSf(200, 2)).toBe(0);
    expect(kstwoSf(200, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('is a survival function: in [0, 1] and non-increasing in x', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 7, 30, 140, 141, 400, 5000, 200_000),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const sLo = kstwoSf(n, lo);
          const sHi = kstwoSf(n, hi);
          // Branch switches may jump by the approximation error (~1e-6 relative).
          return sLo >= 0 && sHi <= 1 && sHi <= sLo * (1 + 1e-5) + 1e-12;
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('smirnovSf', () => {
  it.each([
    [10, 0.2],
    [50, 0.1],
    [200, 0.08],
    [1000, 0.03],
  ])('n=%i x=%f matches the exact one-sided distribution', (n, x) => {
    const expected = exactOneSided(n, x);
    expect(Math.abs(smirnovSf(n, x) - expected)).toBeLessThanOrEqual(1e-9 * expected);
  });

  it('has the closed forms at the ends', () => {
    expect(smirnovSf(1, 0.3)).toBeCloseTo(0.7, 15);
    expect(smirnovSf(2, 0.6)).toBeCloseTo(0.4 ** 2, 15); // x ≥ 1 − 1/n: (1 − x)^n
    expect(smirnovSf(4, 0.1)).toBeCloseTo(1 - 0.1 * 1.1 ** 3, 15); // x ≤ 1/n: 1 − x(1 + x)^(n−1)
    expect(smirnovSf(5, 0)).toBe(1);
    expect(smirnovSf(5, 1)).toBe(0);
    expect(smirnovSf(5, Number.NaN)).toBeNaN();
    expect(smirnovSf(0, 0.5)).toBeNaN();
  });

  it('switches to the exp(−(6nx+1)²/18n) approximation above n = 10^6', () => {
    const n = 2_000_000;
    const x = 0.001;
    expect(smirnovSf(n, x)).toBeCloseTo(Math.exp(-((6 * n * x + 1) ** 2) / 18 / n), 15);
  });
});

describe('kolmogorovSf', () => {
  it('matches the tabulated Kolmogorov distribution', () => {
    // P(K ≤ 1) = 0.7300003283226455 (e.g. Marsaglia, Tsang & Wang 2003; 2Σ(−1)^(k−1)e^(−2k²)).
    expect(kolmogorovSf(1)).toBeCloseTo(0.2699996716773545, 15);
    // Both series evaluated directly with many terms, on either side of the 0.82 cut-over.
    const series = (x: number): number => {
      let s = 0;
      for (let k = 1; k < 200; k++) s += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * x * x);
      return s;
    };
    for (const x of [0.5, 0.8, 0.83, 1.36, 2, 3]) expect(kolmogorovSf(x)).toBeCloseTo(series(x), 14);
  });

  it('is the limit of kstwoSf(n, x/√n)', () => {
    const n = 1_000_000;
    expect(kstwoSf(n, 1.36 / Math.sqrt(n))).toBeCloseTo(kolmogorovSf(1.36), 3);
  });

  it('handles bounds', () => {
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(0.03)).toBe(1);
    expect(kolmogorovSf(40)).toBe(0);
    expect(kolmogorovSf(Number.NaN)).toBeNaN();
  });
});

describe('kolmogorov methods', () => {
  it('Durbin/MTW and Pomeranz agree where both apply', () => {
    for (const [n, x] of [
      [20, 0.15],
      [60, 0.1],
      [120, 0.07],
    ] as const) {
      expect(durbinMtwCdf(n, x)).toBeCloseTo(pomeranzCdf(n, x), 12);
    }
  });

  it('ldexp scales past the float64 exponent of a single power of two', () => {
    expect(ldexp(1, 1500)).toBe(Number.POSITIVE_INFINITY);
    expect(ldexp(2 ** -1000, 1500)).toBe(2 ** 500);
    expect(ldexp(2 ** 600, -1500)).toBe(2 ** -900);
    expect(ldexp(3, 0)).toBe(3);
  });
});
