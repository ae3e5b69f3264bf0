import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareContingency, chiSquareFromCounts, chiSquareSf, dropEmptyBins } from './chi-square.js';

describe('chiSquareSf', () => {
  it('matches closed forms: dof 2 is exp(−x/2), dof 1 is erfc(√(x/2))', () => {
    for (const x of [0.1, 1, 4.8, 20]) expect(chiSquareSf(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14); // the 5% critical value
  });

  it('handles the edges', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(Number.NaN, 3)).toBeNaN();
    expect(chiSquareSf(1, 0)).toBeNaN();
    expect(chiSquareSf(1e4, 3)).toBe(0);
  });
});

describe('chiSquareContingency', () => {
  it('computes Pearson χ² and applies Yates only when dof = 1', () => {
    // Expected 15 everywhere; |O − E| = 5 → χ² = 4·25/15, Yates 4·4.5²/15.
    const plain = chiSquareContingency(
      [
        [10, 20],
        [20, 10],
      ],
      { correction: false },
    );
    const yates = chiSquareContingency([
      [10, 20],
      [20, 10],
    ]);
    expect(plain).toMatchObject({ ok: true, dof: 1 });
    expect(plain.ok && plain.statistic).toBeCloseTo(100 / 15, 13);
    expect(yates.ok && yates.statistic).toBeCloseTo((4 * 4.5 ** 2) / 15, 13);
    const wide = [
      [10, 20, 30],
      [20, 10, 25],
    ];
    expect(chiSquareContingency(wide, { correction: true })).toEqual(
      chiSquareContingency(wide, { correction: false }),
    );
  });

  it('never moves a cell past its expected value under Yates', () => {
    // |O − E| = 0.25 < 0.5: the corrected cell equals E, so χ² = 0.
    const r = chiSquareContingency([
      [10.25, 9.75],
      [9.75, 10.25],
    ]);
    expect(r.ok && r.statistic).toBe(0);
  });

  it('returns dof 0, χ² 0, p 1 for a single row or column', () => {
    expect(chiSquareContingency([[5], [7]])).toMatchObject({ ok: true, statistic: 0, pValue: 1, dof: 0 });
  });

  it('is undefined for an empty table or a zero expected frequency', () => {
    expect(chiSquareContingency([])).toMatchObject({ ok: false, code: 'empty_sample' });
    expect(
      chiSquareContingency([
        [0, 0],
        [1, 2],
      ]),
    ).toMatchObject({ ok: false, code: 'zero_expected_frequency' });
  });

  it('rejects ragged rows and negative counts', () => {
    expect(() => chiSquareContingency([[1, 2], [3]])).toThrow(RangeError);
    expect(() =>
      chiSquareContingency([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(RangeError);
  });

  it('does not depend on the order of rows', () => {
    const row = fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(row, row, (a, b) => {
        const x = chiSquareContingency([a, b]);
        const y = chiSquareContingency([b, a]);
        return x.ok && y.ok && Math.abs(x.statistic - y.statistic) <= 1e-9 * (1 + x.statistic);
      }),
    );
  });
});

describe('chiSquareFromCounts', () => {
  it('drops categories absent from both samples before testing', () => {
    expect(Array.from(dropEmptyBins([10, 0, 5], [12, 0, 9]).reference)).toEqual([10, 5]);
    expect(chiSquareFromCounts([10, 0, 5], [12, 0, 9])).toEqual(
      chiSquareContingency([
        [10, 5],
        [12, 9],
      ]),
    );
  });
});
