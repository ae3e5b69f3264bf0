import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAD_TO_SIGMA, median, medianInPlace, robustScale, selectInPlace } from './robust.js';
import { gaussian, mulberry32 } from './synthetic.js';

describe('selectInPlace', () => {
  it('returns the k-th smallest, like sorting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        (xs, k0) => {
          const k = k0 % xs.length;
          const sorted = [...xs].sort((a, b) => a - b);
          expect(selectInPlace(Float64Array.from(xs), xs.length, k)).toBe(sorted[k]);
        },
      ),
    );
  });
});

describe('median', () => {
  it.each([
    { name: 'odd count', xs: [3, 1, 2], expected: 2 },
    { name: 'even count takes the upper median', xs: [4, 1, 3, 2], expected: 3 },
    { name: 'single value', xs: [7], expected: 7 },
    { name: 'all equal', xs: [5, 5, 5, 5], expected: 5 },
    { name: 'with ±Infinity', xs: [Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY], expected: 1 },
  ])('$name', ({ xs, expected }) => {
    expect(median(xs)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
    expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
  });

  it('does not modify its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('robustScale', () => {
  it.each([
    // 1..99 and 1000: upper median 51, MAD 25, so σ = 25 · 1.4826; the mean-deviation floor is only 10.7.
    {
      name: 'one outlier among many does not move it',
      xs: [...Array.from({ length: 99 }, (_, i) => i + 1), 1000],
      center: 51,
      sigma: 25 * MAD_TO_SIGMA,
    },
    // In a tiny sample the mean-deviation floor lets the outlier widen σ: 0.25 · 1.2533 · 101/5.
    {
      name: 'a heavy tail in a small sample widens it',
      xs: [1, 2, 3, 4, 100],
      center: 3,
      sigma: 0.25 * 1.2533141373155001 * (101 / 5),
    },
    { name: 'all equal has no spread', xs: [5, 5, 5, 5], center: 5, sigma: 0 },
    // MAD is 0 here; the floor is 0.25 · √(π/2) · mean|x - 5| = 0.25 · 1.2533 · 4/7.
    {
      name: 'a mostly repeated value falls back to mean deviation',
      xs: [5, 5, 5, 5, 5, 5, 9],
      center: 5,
      sigma: 0.25 * 1.2533141373155001 * (4 / 7),
    },
  ])('$name', ({ xs, center, sigma }) => {
    const s = robustScale(xs);
    expect(s.center).toBe(center);
    expect(s.sigma).toBeCloseTo(sigma, 12);
  });

  it('estimates σ of Gaussian data (tolerance 10% on 2000 points)', () => {
    const noise = gaussian(mulberry32(1));
    const xs = Array.from({ length: 2000 }, () => 3 * noise());
    expect(robustScale(xs).sigma / 3).toBeCloseTo(1, 1);
  });
});
