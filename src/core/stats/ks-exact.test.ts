import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from './kolmogorov.js';
import { probOutsideBand, probOutsideSquare } from './ks-exact.js';

// Brute force: every way to interleave m reference and n current observations is equally
// likely under H0; count the interleavings whose D·lcm reaches each h.
function bruteForceSf(m: number, n: number): Map<number, number> {
  const lcm = (m * n) / gcd(m, n);
  const counts = new Map<number, number>();
  let total = 0;
  const walk = (i: number, j: number, maxH: number): void => {
    if (i === m && j === n) {
      counts.set(maxH, (counts.get(maxH) ?? 0) + 1);
      total++;
      return;
    }
    // |i/m − j/n|·lcm is an integer: i·(lcm/m) − j·(lcm/n).
    if (i < m) walk(i + 1, j, Math.max(maxH, Math.abs((i + 1) * (lcm / m) - j * (lcm / n))));
    if (j < n) walk(i, j + 1, Math.max(maxH, Math.abs(i * (lcm / m) - (j + 1) * (lcm / n))));
  };
  walk(0, 0, 0);
  const sf = new Map<number, number>();
  for (let h = 0; h <= lcm; h++) {
    let atLeast = 0;
    for (const [k, c] of counts) if (k >= h) atLeast += c;
    sf.set(h, atLeast / total);
  }
  return sf;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

describe('exact two-sample KS distribution', () => {
  const sizes: Array<[number, number]> = [
    [1, 1],
    [2, 2],
    [5, 5],
    [7, 7],
    [1, 4],
    [3, 5],
    [8, 5],
    [6, 4],
    [7, 3],
    [9, 6],
  ];
  it.each(sizes)('P(D ≥ h/lcm) for m=%i, n=%i equals the enumeration of all interleavings', (m, n) => {
    const g = gcd(m, n);
    const lcm = (m * n) / g;
    const sf = bruteForceSf(m, n);
    for (let h = 1; h <= lcm; h++) {
      const p = m === n ? probOutsideSquare(m, h) : probOutsideBand(m, n, g, h);
      expect(p).toBeCloseTo(sf.get(h)!, 13);
    }
  });

  it('is symmetric in the two sample sizes', () => {
    expect(probOutsideBand(8, 5, 1, 17)).toBe(probOutsideBand(5, 8, 1, 17));
  });

  it('stays a probability for large samples and approaches the Kolmogorov limit', () => {
    const [m, n] = [10_000, 9_999];
    for (const d of [0.01, 0.02, 0.03]) {
      const p = probOutsideBand(m, n, 1, Math.round(d * m * n));
      expect(Math.abs(p / kolmogorovSf(Math.sqrt((m * n) / (m + n)) * d) - 1)).toBeLessThan(0.05);
    }
    expect(probOutsideSquare(10_000, 10_000)).toBeGreaterThanOrEqual(0);
  });
});
