import { describe, expect, it } from 'vitest';
import { normalQuantile, studentTQuantile } from './quantiles.js';

// References from @stdlib/stats-base-dists-normal and -t (quantile), computed once.
describe('normalQuantile', () => {
  it.each([
    { p: 0.5, expected: 0, tol: 1e-12 },
    { p: 0.975, expected: 1.9599639845400538, tol: 1e-8 },
    { p: 0.999, expected: 3.090232306167813, tol: 1e-8 },
    { p: 1e-6, expected: -4.753424308828307, tol: 1e-7 },
    { p: 0.02, expected: -2.0537489106318225, tol: 1e-8 },
  ])('Φ⁻¹($p) within $tol', ({ p, expected, tol }) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(tol);
  });

  it('handles the ends and invalid input', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(Number.NaN)).toBeNaN();
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('studentTQuantile', () => {
  it.each([
    { p: 0.975, nu: 10, expected: 2.2281388519862744, tol: 2e-5 },
    { p: 0.975, nu: 30, expected: 2.0422724563012378, tol: 1e-6 },
    { p: 0.995, nu: 30, expected: 2.749995653567225, tol: 1e-6 },
    { p: 0.99975, nu: 98, expected: 3.600812169635399, tol: 1e-6 },
    { p: 0.99995, nu: 510, expected: 3.921584903322586, tol: 1e-6 },
  ])('t($p, ν=$nu) within $tol', ({ p, nu, expected, tol }) => {
    expect(Math.abs(studentTQuantile(p, nu) - expected)).toBeLessThan(tol);
  });

  it('is NaN for ν ≤ 0', () => {
    expect(studentTQuantile(0.9, 0)).toBeNaN();
  });
});
