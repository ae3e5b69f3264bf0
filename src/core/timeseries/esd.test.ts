import { describe, expect, it } from 'vitest';
import { esdCriticalValue, generalizedEsd } from './esd.js';
import { gaussian, mulberry32 } from './synthetic.js';

describe('esdCriticalValue', () => {
  // λ = (n-i)t/√((n-i-1+t²)(n-i+1)); with t from @stdlib's exact t quantile: n=100 → t(0.99975, 98) =
  // 3.6008122, λ = 3.38408; n=512 → t(0.99995, 510) = 3.9215849, λ = 3.86940. Rosner's (1983) table
  // gives 3.38 for n = 100, α = 0.05.
  it.each([
    { n: 100, i: 1, alpha: 0.05, expected: 3.38408, tol: 1e-4 },
    { n: 512, i: 1, alpha: 0.05, expected: 3.8694, tol: 1e-4 },
  ])('λ(n=$n, i=$i, α=$alpha)', ({ n, i, alpha, expected, tol }) => {
    expect(Math.abs(esdCriticalValue(n, i, alpha) - expected)).toBeLessThan(tol);
  });

  it('is infinite when fewer than 3 values remain', () => {
    expect(esdCriticalValue(3, 2, 0.05)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('generalizedEsd', () => {
  // Seed 7 draws one genuine 3.9σ value among 200, which α = 0.05 rightly flags; seed 2 does not.
  const noise = gaussian(mulberry32(2));
  const clean = Array.from({ length: 200 }, () => 10 + noise());

  it('finds nothing in Gaussian noise', () => {
    expect(generalizedEsd(clean, { maxOutliers: 10, alpha: 0.05 })).toEqual([]);
  });

  it('finds planted outliers, even two equal ones that would mask each other', () => {
    const xs = [...clean];
    xs[20] = 40;
    xs[120] = 40;
    xs[150] = -20;
    expect(generalizedEsd(xs, { maxOutliers: 10, alpha: 0.05 }).sort((a, b) => a - b)).toEqual([
      20, 120, 150,
    ]);
  });

  it('ignores NaN and handles tiny inputs', () => {
    expect(generalizedEsd([1, Number.NaN, 2], { maxOutliers: 2, alpha: 0.05 })).toEqual([]);
    expect(generalizedEsd([], { maxOutliers: 2, alpha: 0.05 })).toEqual([]);
  });
});
