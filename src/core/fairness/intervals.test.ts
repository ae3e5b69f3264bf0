import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval, proportionInterval, wilsonInterval } from './intervals.js';

// Textbook values, 4 decimals: the brief's Clopper–Pearson cases, and Newcombe (1998), "Two-sided
// confidence intervals for the single proportion", Statist. Med. 17, Table II (method 3 = Wilson
// score, method 5 = Clopper–Pearson exact).
const TEXTBOOK = 5e-5;

describe('clopperPearsonInterval', () => {
  type Case = { x: number; n: number; expected: [number, number] };
  const cases: Case[] = [
    { x: 0, n: 10, expected: [0, 0.3085] },
    { x: 5, n: 10, expected: [0.1871, 0.8129] },
    { x: 10, n: 10, expected: [0.6915, 1] },
    { x: 81, n: 263, expected: [0.2527, 0.3676] },
    { x: 15, n: 148, expected: [0.0578, 0.1617] },
    { x: 0, n: 20, expected: [0, 0.1684] },
    { x: 1, n: 29, expected: [0.0009, 0.1776] },
  ];
  it.each(cases)('$x/$n → $expected', ({ x, n, expected }) => {
    const [low, high] = clopperPearsonInterval(x, n);
    expect(Math.abs(low - expected[0])).toBeLessThan(TEXTBOOK);
    expect(Math.abs(high - expected[1])).toBeLessThan(TEXTBOOK);
  });
});

describe('wilsonInterval', () => {
  type Case = { x: number; n: number; expected: [number, number] };
  const cases: Case[] = [
    { x: 0, n: 10, expected: [0, 0.2775] },
    { x: 5, n: 10, expected: [0.2366, 0.7634] },
    { x: 81, n: 263, expected: [0.2553, 0.3662] },
    { x: 15, n: 148, expected: [0.0624, 0.1605] },
    { x: 0, n: 20, expected: [0, 0.1611] },
    { x: 1, n: 29, expected: [0.0061, 0.1718] },
  ];
  it.each(cases)('$x/$n → $expected', ({ x, n, expected }) => {
    const [low, high] = wilsonInterval(x, n);
    expect(Math.abs(low - expected[0])).toBeLessThan(TEXTBOOK);
    expect(Math.abs(high - expected[1])).toBeLessThan(TEXTBOOK);
  });

  it('is exactly 0 at x = 0 and 1 at x = n (no rounding residue)', () => {
    expect(wilsonInterval(0, 7)[0]).toBe(0);
    expect(wilsonInterval(7, 7)[1]).toBe(1);
  });
});

describe('both intervals', () => {
  const methods = ['wilson', 'clopper_pearson'] as const;

  it('contain the point estimate, stay in [0, 1] and mirror under x → n − x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.nat(), fc.constantFrom(...methods), (n, k, method) => {
        const x = k % (n + 1);
        const [low, high] = proportionInterval(x, n, { method });
        const [mLow, mHigh] = proportionInterval(n - x, n, { method });
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(x / n + 1e-12);
        expect(high).toBeGreaterThanOrEqual(x / n - 1e-12);
        expect(low).toBeCloseTo(1 - mHigh, 9);
        expect(high).toBeCloseTo(1 - mLow, 9);
      }),
    );
  });

  it('narrow as the confidence drops and as n grows', () => {
    const width = (i: readonly [number, number]) => i[1] - i[0];
    for (const method of methods) {
      expect(width(proportionInterval(5, 10, { method, confidence: 0.8 }))).toBeLessThan(
        width(proportionInterval(5, 10, { method })),
      );
      expect(width(proportionInterval(50, 100, { method }))).toBeLessThan(
        width(proportionInterval(5, 10, { method })),
      );
    }
  });

  it('are undefined without data and reject impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual([Number.NaN, Number.NaN]);
    expect(clopperPearsonInterval(0, 0)).toEqual([Number.NaN, Number.NaN]);
    expect(() => wilsonInterval(3, 2)).toThrow(/successes ≤ total/);
    expect(() => clopperPearsonInterval(1.5, 3)).toThrow(/integers/);
    expect(() => wilsonInterval(1, 3, 1)).toThrow(/confidence/);
  });
});
