import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockVariance, calibrate, fitCalibrator, knotWeights } from './calibrator.js';

describe('fitCalibrator (isotonic)', () => {
  it('pools adjacent violators into their weighted mean', () => {
    // Means 0.5, 0.25, 0.75: the first two violate and pool to 3/8 (weights 4 and 4).
    const c = fitCalibrator([
      { score: 0.1, pos: 2, neg: 2 },
      { score: 0.2, pos: 1, neg: 3 },
      { score: 0.9, pos: 3, neg: 1 },
    ]);
    expect([...c.x]).toEqual([0.1, 0.2, 0.9]);
    expect([...c.p]).toEqual([0.375, 0.375, 0.75]);
    expect([...c.blockCount]).toEqual([8, 4]);
    expect(calibrate(c, 0.2)).toBe(0.375);
    expect(calibrate(c, 0.55)).toBeCloseTo(0.5625, 12); // halfway between knots 0.2 and 0.9
  });

  it('gives the hand-computed PAV fit with clip and linear interpolation (abs 1e-12)', () => {
    // x = [1..5], y = [0.2, 0.6, 0.4, 0.8, 0.7] as pos/(pos+neg) over 5 rows each. By hand:
    // (0.6, 0.4) pool to 0.5 and (0.8, 0.7) to 0.75, so the fit is [0.2, 0.5, 0.5, 0.75, 0.75];
    // between knots 3 (0.5) and 4 (0.75) the value at 3.5 is 0.625; outside the range it clips,
    // which is what sklearn's IsotonicRegression(out_of_bounds='clip') does.
    const c = fitCalibrator([
      { score: 1, pos: 1, neg: 4 },
      { score: 2, pos: 3, neg: 2 },
      { score: 3, pos: 2, neg: 3 },
      { score: 4, pos: 4, neg: 1 },
      { score: 5, pos: 3.5, neg: 1.5 },
    ]);
    expect(calibrate(c, 2.5)).toBeCloseTo(0.5, 12);
    expect(calibrate(c, 0)).toBeCloseTo(0.2, 12);
    expect(calibrate(c, 9)).toBeCloseTo(0.75, 12);
    expect(calibrate(c, 3.5)).toBeCloseTo(0.625, 12);
  });

  it('merges duplicate scores and ignores NaN scores and empty rows', () => {
    const c = fitCalibrator([
      { score: 0.5, pos: 1, neg: 0 },
      { score: Number.NaN, pos: 5, neg: 5 },
      { score: 0.5, pos: 0, neg: 1 },
      { score: 0.7, pos: 0, neg: 0 },
    ]);
    expect([...c.x]).toEqual([0.5]);
    expect([...c.p]).toEqual([0.5]);
  });

  it('is empty (NaN everywhere) without rows', () => {
    const c = fitCalibrator([]);
    expect(c.x.length).toBe(0);
    expect(calibrate(c, 0.5)).toBeNaN();
  });

  it('returns NaN for a NaN score', () => {
    expect(calibrate(fitCalibrator([{ score: 0.5, pos: 1, neg: 1 }]), Number.NaN)).toBeNaN();
  });

  it('is non-decreasing and within [0, 1] for any counts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ score: fc.double({ min: 0, max: 1, noNaN: true }), pos: fc.nat(20), neg: fc.nat(20) }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.array(fc.double({ min: -0.5, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (rows, probes) => {
          const c = fitCalibrator(rows);
          if (c.x.length === 0) return;
          const sorted = [...probes].sort((a, b) => a - b);
          let prev = -1;
          for (const s of sorted) {
            const p = calibrate(c, s);
            expect(p).toBeGreaterThanOrEqual(prev - 1e-12);
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
            prev = p;
          }
        },
      ),
    );
  });

  it('preserves the total of positives (PAV keeps block sums)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ score: fc.integer({ min: 0, max: 50 }), pos: fc.nat(10), neg: fc.nat(10) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (rows) => {
          const c = fitCalibrator(rows);
          const pos = rows.reduce((s, r) => s + r.pos, 0);
          const fitted = [...c.blockPositives].reduce((s, v) => s + v, 0);
          expect(fitted).toBe(pos);
        },
      ),
    );
  });
});

describe('fitCalibrator (histogram)', () => {
  it('uses one block per non-empty equal-width bin, without pooling', () => {
    const c = fitCalibrator(
      [
        { score: 0.05, pos: 3, neg: 1 },
        { score: 0.08, pos: 1, neg: 3 },
        { score: 0.55, pos: 0, neg: 4 },
      ],
      { method: 'histogram', bins: 10 },
    );
    expect([...c.p]).toEqual([0.5, 0.5, 0]);
    expect(c.method).toBe('histogram');
  });

  it('rejects a non-integer number of bins', () => {
    expect(() => fitCalibrator([{ score: 0.5, pos: 1, neg: 1 }], { method: 'histogram', bins: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('knotWeights and blockVariance', () => {
  it('splits a score between the two blocks it interpolates', () => {
    const c = fitCalibrator([
      { score: 0.2, pos: 1, neg: 3 },
      { score: 0.8, pos: 3, neg: 1 },
    ]);
    const w = knotWeights(c, 0.65);
    expect(w.blockA).toBe(0);
    expect(w.blockB).toBe(1);
    expect(w.lambda).toBeCloseTo(0.75, 12);
    expect(w.p).toBeCloseTo(0.625, 12);
  });

  it('is the Jeffreys-smoothed binomial variance, never 0 for a pure block', () => {
    const c = fitCalibrator([{ score: 0.5, pos: 3, neg: 0 }]);
    expect(blockVariance(c, 0)).toBeCloseTo((0.875 * 0.125) / 4, 15);
  });
});
