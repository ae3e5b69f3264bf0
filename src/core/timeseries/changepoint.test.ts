import { describe, expect, it } from 'vitest';
import { fitRegime, locateChange } from './changepoint.js';

const newestFirst = (xs: number[]) => Float64Array.from([...xs].reverse());

describe('locateChange', () => {
  it.each([
    { name: 'a clean step up', oldestFirst: [0, 0, 0, 0, 5, 5, 5], delta: 5, expected: 3 },
    { name: 'a step down', oldestFirst: [0, 0, 0, -4, -4, -4, -4], delta: -4, expected: 4 },
    { name: 'a noisy step', oldestFirst: [0.3, -0.2, 0.1, 0, 4.6, 5.4, 4.9, 5.2], delta: 5, expected: 4 },
    { name: 'everything shifted', oldestFirst: [5, 5, 5], delta: 5, expected: 3 },
  ])('$name', ({ oldestFirst, delta, expected }) => {
    expect(locateChange(newestFirst(oldestFirst), oldestFirst.length, delta)).toBe(expected);
  });
});

describe('fitRegime', () => {
  it('fits a level shift as a level, ignoring a spike', () => {
    const values = newestFirst([20, 20.5, 19.5, 20, 80, 20, 19.8, 20.2, 20]);
    expect(fitRegime(values, values.length, 0.5, 4)).toEqual({ level: 20, slope: 0, kind: 'level' });
  });

  it('fits a ramp as a trend, with its value at the newest point', () => {
    const values = newestFirst(Array.from({ length: 12 }, (_, i) => 100 + 3 * i));
    const fit = fitRegime(values, values.length, 1, 4);
    expect(fit.kind).toBe('trend');
    expect(fit.slope).toBeCloseTo(3, 12);
    expect(fit.level).toBeCloseTo(133, 12);
  });

  it('keeps a slope too small to matter as a level', () => {
    const values = newestFirst(Array.from({ length: 12 }, (_, i) => 100 + 0.01 * i));
    expect(fitRegime(values, values.length, 1, 4).kind).toBe('level');
  });

  it('needs 8 points before it believes a trend', () => {
    const values = newestFirst([1, 2, 3, 4, 5]);
    expect(fitRegime(values, values.length, 0.1, 4)).toEqual({ level: 3, slope: 0, kind: 'level' });
  });
});
