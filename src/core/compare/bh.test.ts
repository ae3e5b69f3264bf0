import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './bh.js';

describe('benjaminiHochberg', () => {
  it('adjusts in input order with the step-up minimum', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03])).toEqual([0.03, 0.04, 0.04]);
  });
  it('leaves NaN out of m', () => {
    const r = benjaminiHochberg([0.02, Number.NaN, 0.04]);
    expect(r[0]).toBeCloseTo(0.04, 15);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBeCloseTo(0.04, 15);
  });
  it('rejects p-values outside [0, 1]', () => {
    expect(() => benjaminiHochberg([1.2])).toThrow(RangeError);
  });
});
