import { describe, expect, it } from 'vitest';
import { chiSquareContingency } from './chi-square.js';
import { twoProportionZTest } from './z-test.js';

describe('twoProportionZTest', () => {
  it('is the signed square root of the uncorrected 2 × 2 χ², with the same p-value', () => {
    const z = twoProportionZTest({ successes: 45, total: 100 }, { successes: 30, total: 100 });
    const chi = chiSquareContingency(
      [
        [45, 55],
        [30, 70],
      ],
      { correction: false },
    );
    if (!z.ok || !chi.ok) throw new Error('undefined');
    expect(z.statistic).toBeCloseTo(Math.sqrt(chi.statistic), 13);
    expect(z.pValue).toBeCloseTo(chi.pValue, 13);
    const flipped = twoProportionZTest({ successes: 30, total: 100 }, { successes: 45, total: 100 });
    expect(flipped.ok && flipped.statistic).toBeCloseTo(-z.statistic, 13);
  });

  it('matches the pooled formula on a hand example', () => {
    // p1 = .5, p2 = .25, pooled = .375: z = .25/√(.375·.625·(1/40 + 1/40))
    const z = 0.25 / Math.sqrt(0.375 * 0.625 * (2 / 40));
    expect(twoProportionZTest({ successes: 20, total: 40 }, { successes: 10, total: 40 })).toMatchObject({
      ok: true,
    });
    const r = twoProportionZTest({ successes: 20, total: 40 }, { successes: 10, total: 40 });
    expect(r.ok && r.statistic).toBeCloseTo(z, 13);
  });

  it('returns z = 0, p = 1 when both samples are all successes or all failures', () => {
    expect(twoProportionZTest({ successes: 5, total: 5 }, { successes: 9, total: 9 })).toEqual({
      ok: true,
      statistic: 0,
      pValue: 1,
    });
  });

  it('is undefined for an empty sample and rejects impossible counts', () => {
    expect(twoProportionZTest({ successes: 0, total: 0 }, { successes: 1, total: 2 })).toMatchObject({
      ok: false,
    });
    expect(() => twoProportionZTest({ successes: 3, total: 2 }, { successes: 1, total: 2 })).toThrow(
      RangeError,
    );
    expect(() => twoProportionZTest({ successes: Number.NaN, total: 2 }, { successes: 1, total: 2 })).toThrow(
      RangeError,
    );
  });
});
