import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { andersonKSample } from './anderson-darling.js';

// The reference vectors only reach the cap (0.25) and the floor (0.001). These values, in the
// interpolated range and for k = 3, come from scipy 1.17.1 anderson_ksamp(…, midrank=True),
// whose asymptotic statistic and significance code is unchanged since 1.10.
const CLOSED = { rel: 1e-9 };

describe('andersonKSample', () => {
  it('interpolates the significance level between critical values (k = 2)', () => {
    const x = Array.from({ length: 20 }, (_, i) => Math.round(0.1 * i * 1e10) / 1e10);
    const y = Array.from({ length: 20 }, (_, i) => Math.round((0.1 * i + 0.45) * 1e10) / 1e10);
    const r = andersonKSample([x, y]);
    if (!r.ok) throw new Error(r.message);
    expect(Math.abs(r.statistic / 2.394963338651569 - 1)).toBeLessThan(CLOSED.rel);
    expect(Math.abs(r.significanceLevel / 0.033774324037021346 - 1)).toBeLessThan(CLOSED.rel);
    expect(r.bound).toBeNull();
  });

  it('uses the critical values for m = k − 1 = 2 with three samples', () => {
    const r = andersonKSample([
      [1, 2, 2, 3, 3, 3, 4, 4, 5, 6],
      [2, 3, 3, 4, 4, 5, 5, 6, 6, 7],
      [3, 4, 4, 5, 6, 6, 7, 7, 8, 9],
    ]);
    if (!r.ok) throw new Error(r.message);
    expect(Math.abs(r.statistic / 3.738252417530602 - 1)).toBeLessThan(CLOSED.rel);
    expect(Math.abs(r.significanceLevel / 0.0071400331812317645 - 1)).toBeLessThan(CLOSED.rel);
    expect(r.criticalValues[0]).toBeCloseTo(0.44925883860929594, 14);
    expect(r.criticalValues[6]).toBeCloseTo(5.564191013989369, 14);
  });

  it('is undefined for an empty sample, one distinct value or fewer than 4 observations', () => {
    expect(andersonKSample([[], [1, 2, 3]])).toMatchObject({ ok: false, code: 'empty_sample' });
    expect(
      andersonKSample([
        [2, 2],
        [2, 2, 2],
      ]),
    ).toMatchObject({ ok: false, code: 'single_distinct_value' });
    expect(andersonKSample([[1], [2, 3]])).toMatchObject({ ok: false, code: 'too_few_observations' });
    expect(() => andersonKSample([[1, 2, 3]])).toThrow(RangeError);
  });

  it('drops NaN and does not depend on the order of the samples', () => {
    expect(
      andersonKSample([
        [1, 2, Number.NaN, 3],
        [2, 4, 5],
      ]),
    ).toEqual(
      andersonKSample([
        [1, 2, 3],
        [2, 4, 5],
      ]),
    );
    const sample = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 20 });
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const x = andersonKSample([a, b]);
        const y = andersonKSample([b, a]);
        if (!x.ok || !y.ok) return x.ok === y.ok;
        return Math.abs(x.statistic - y.statistic) <= 1e-9 * (1 + Math.abs(x.statistic));
      }),
    );
  });
});
