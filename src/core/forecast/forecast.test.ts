import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../timeseries/synthetic.js';
import { breachForecast } from './breach.js';
import { forecastHolt } from './holt.js';
import { forecastWindow } from './window.js';

describe('forecastHolt', () => {
  it('reproduces an exact line with an undamped trend (φ = 1), and lags it only a little when damped', () => {
    const line = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const exact = forecastHolt(line, 2, { params: { alpha: 0.5, beta: 0.3, phi: 1 } })!;
    expect(exact.expected[0]).toBeCloseTo(0, 12);
    expect(exact.expected[1]).toBeCloseTo(-1, 12);
    const damped = forecastHolt(line, 2)!;
    expect(damped.params.phi).toBe(0.998);
    expect(damped.expected[0]).toBeGreaterThan(0);
    expect(damped.expected[0]).toBeLessThan(0.1);
  });

  it('forecasts a constant series as itself with a (floored) zero-width interval', () => {
    const f = forecastHolt(Array(20).fill(0.9), 5)!;
    for (const e of f.expected) expect(e).toBeCloseTo(0.9, 12);
    for (const s of f.sigma) expect(s).toBeLessThan(1e-8);
  });

  it('returns null with fewer than 3 observations (gaps and non-finite values do not count)', () => {
    expect(forecastHolt([], 3)).toBeNull();
    expect(forecastHolt([1, null, Number.NaN, 2], 3)).toBeNull();
    expect(forecastHolt([1, Number.POSITIVE_INFINITY, 2], 3)).toBeNull();
  });

  it('rejects a non-positive horizon and a level outside (0, 1)', () => {
    expect(() => forecastHolt([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => forecastHolt([1, 2, 3], 2, { level: 1 })).toThrow(RangeError);
  });

  it('carries the trend through gaps, inside and at the end', () => {
    const line = Array.from({ length: 30 }, (_, i) => 100 - 2 * i);
    const gappy: (number | null)[] = line.map((v, i) => (i % 5 === 3 || i >= 27 ? null : v));
    const f = forecastHolt(gappy, 3, { params: { alpha: 0.5, beta: 0.3, phi: 1 } })!;
    // The last index (29) is a gap: its state was advanced by φ·b, so step 1 is index 30.
    expect(f.expected[0]).toBeCloseTo(100 - 2 * 30, 9);
    expect(f.expected[2]).toBeCloseTo(100 - 2 * 32, 9);
  });

  it('follows a jump after a constant stretch within 3 steps instead of clipping it as outliers', () => {
    // Regression: σ_t sat at its floor on the constant part, so the Huber clip held the level
    // near 0.85 for dozens of steps after the series moved to 0.70.
    const f = forecastHolt([...Array(48).fill(0.85), ...Array(6).fill(0.7)], 2)!;
    expect(f.expected[0]).toBeCloseTo(0.7, 3);
  });

  it('has non-decreasing σ over the horizon and wider intervals at a higher level', () => {
    const noise = gaussian(mulberry32(5));
    const series = Array.from({ length: 80 }, () => 0.9 + 0.01 * noise());
    const f90 = forecastHolt(series, 10)!;
    const f99 = forecastHolt(series, 10, { level: 0.99 })!;
    for (let h = 1; h < 10; h++) expect(f90.sigma[h]!).toBeGreaterThanOrEqual(f90.sigma[h - 1]!);
    expect(f99.upper[4]! - f99.lower[4]!).toBeGreaterThan(f90.upper[4]! - f90.lower[4]!);
  });

  it('covers AR(1) noise at about the nominal 90% (simulation: 300 series × 12 horizons)', () => {
    // y_t = 0.8 + e_t, e_t = 0.6·e_{t−1} + 0.01·N(0, 1): autocorrelated noise the Holt model
    // does not describe; the empirical h-step scales are what keep the coverage honest.
    const noise = gaussian(mulberry32(11));
    let inside = 0;
    let total = 0;
    const perStep = Array(12).fill(0) as number[];
    for (let r = 0; r < 300; r++) {
      let e = 0;
      const ys: number[] = [];
      for (let t = 0; t < 96 + 12; t++) {
        e = 0.6 * e + 0.01 * noise();
        ys.push(0.8 + e);
      }
      const f = forecastHolt(ys.slice(0, 96), 12)!;
      for (let h = 0; h < 12; h++) {
        const y = ys[96 + h]!;
        const ok = y >= f.lower[h]! && y <= f.upper[h]!;
        if (ok) perStep[h]!++;
        inside += ok ? 1 : 0;
        total++;
      }
    }
    expect(inside / total).toBeGreaterThan(0.85);
    expect(inside / total).toBeLessThan(0.96);
    for (const c of perStep) expect(c / 300).toBeGreaterThan(0.8);
  });
});

describe('forecastWindow', () => {
  const fixed = { params: { alpha: 0.8, beta: 0.02, phi: 0.9 } };
  const buckets = [...Array(48).fill(0.85), ...Array(6).fill(0.7)];

  it('re-aggregates known buckets and the Holt bucket forecast into the trailing window (abs 1e-12)', () => {
    const f = forecastWindow(buckets, 24, { steps: 24 }, fixed)!;
    const bucket = forecastHolt(buckets, 24, fixed)!.expected;
    // Step h keeps the 18 − h last healthy buckets, the 6 low ones and h forecast buckets.
    for (const h of [1, 6, 12, 18]) {
      const future = bucket.slice(0, h).reduce((a, b) => a + b, 0);
      expect(f.expected[h - 1]).toBeCloseTo(((18 - h) * 0.85 + 6 * 0.7 + future) / 24, 12);
    }
    // From step 24 on the window holds forecasts only: ≈ the new level.
    expect(f.expected[23]).toBeCloseTo(0.7, 3);
  });

  it('weights buckets by their counts; future buckets take the mean recent weight', () => {
    const weights = buckets.map((_, i) => (i >= 48 ? 3 : 1));
    const f = forecastWindow(buckets, 1, { steps: 24, weights }, fixed)!;
    // Window at step 1: 17 healthy buckets of weight 1, 6 low of weight 3, one forecast of
    // weight mean(18 × 1, 6 × 3) = 1.5.
    expect(f.expected[0]).toBeCloseTo((17 * 0.85 + 18 * 0.7 + 1.5 * 0.7) / (17 + 18 + 1.5), 5);
  });

  it('ignores gaps (zero weight) and rejects bad windows', () => {
    const gappy = buckets.map((v, i) => (i === 50 ? null : v));
    expect(forecastWindow(gappy, 3, { steps: 24 }, fixed)!.expected).toHaveLength(3);
    expect(() => forecastWindow(buckets, 3, { steps: 0 })).toThrow(RangeError);
    expect(() => forecastWindow(buckets, 3, { steps: 24, weights: [1, 2] })).toThrow(RangeError);
    expect(forecastWindow([0.8, null], 3, { steps: 24 })).toBeNull();
  });

  it('predicts a window breach from a shift in the latest buckets before the window crosses', () => {
    // 72 noisy healthy hours around 0.85 then 5 around 0.70: the 24 h window is still ≈ 0.82.
    const noise = gaussian(mulberry32(9));
    const series = [...Array(72).fill(0.85), ...Array(5).fill(0.7)].map((v) => v + 0.02 * noise());
    const windowNow = series.slice(-24).reduce((a, b) => a + b, 0) / 24;
    expect(windowNow).toBeGreaterThan(0.8);
    const b = breachForecast(series, { op: '<', value: 0.78 }, 24, { window: { steps: 24 } });
    expect(b.probability).toBeGreaterThan(0.9);
    expect(b.predicted_breach_index).not.toBeNull();
    expect(b.predicted_breach_index!).toBeLessThan(19);
    // The same series forecast as the monitored value itself sees no breach coming yet.
    expect(breachForecast(series, { op: '<', value: 0.78 }, 24).expected[0]).toBeLessThan(0.8);
  });
});

describe('breachForecast', () => {
  type Case = {
    name: string;
    series: (number | null)[];
    threshold: { op: '<' | '<=' | '>' | '>='; value: number };
    horizon: number;
    index: [number, number] | null;
    probability: [number, number];
  };
  const noise = gaussian(mulberry32(42));
  // A decline of 0.004 a step from 0.95 with noise sd 0.002: the last point (i = 47) is ≈ 0.762;
  // the line crosses 0.73 at i = 55, i.e. 8 steps on, index 7.
  const decline = Array.from({ length: 48 }, (_, i) => 0.95 - 0.004 * i + 0.002 * noise());
  const withOutliers = decline.map((v, i) => (i === 30 ? 0.2 : i === 40 ? 1.6 : v));
  const flat = Array.from({ length: 72 }, () => 0.9 + 0.005 * noise());
  const rising = Array.from({ length: 40 }, (_, i) => 100 + 3 * i + noise());
  const cases: Case[] = [
    {
      name: 'a linear decline crosses at the right step',
      series: decline,
      threshold: { op: '<', value: 0.73 },
      horizon: 24,
      index: [6, 9],
      probability: [0.95, 1],
    },
    {
      name: 'two gross outliers do not move the predicted crossing',
      series: withOutliers,
      threshold: { op: '<', value: 0.73 },
      horizon: 24,
      index: [6, 9],
      probability: [0.95, 1],
    },
    {
      name: 'flat noise far from the threshold has probability ≈ 0',
      series: flat,
      threshold: { op: '<', value: 0.8 },
      horizon: 48,
      index: null,
      probability: [0, 1e-3],
    },
    {
      name: "an upward trend against '>=' (latency-like) crosses too",
      series: rising,
      threshold: { op: '>=', value: 250 },
      horizon: 30,
      // last ≈ 217; 33 more at 3 a step → 11 steps (damping may add one or two).
      index: [9, 14],
      probability: [0.95, 1],
    },
    {
      name: 'a decline that stops short of the threshold within the horizon is not a breach',
      series: decline,
      threshold: { op: '<', value: 0.5 },
      horizon: 6,
      index: null,
      probability: [0, 0.01],
    },
  ];
  it.each(cases)('$name', ({ series, threshold, horizon, index, probability }) => {
    const b = breachForecast(series, threshold, horizon);
    if (index === null) expect(b.predicted_breach_index).toBeNull();
    else {
      expect(b.predicted_breach_index).not.toBeNull();
      expect(b.predicted_breach_index!).toBeGreaterThanOrEqual(index[0]);
      expect(b.predicted_breach_index!).toBeLessThanOrEqual(index[1]);
    }
    expect(b.probability).toBeGreaterThanOrEqual(probability[0]);
    expect(b.probability).toBeLessThanOrEqual(probability[1]);
    expect(b.expected).toHaveLength(horizon);
  });

  it('reports the example (exact line, index 5 = 6 steps on)', () => {
    const declining = Array.from({ length: 30 }, (_, i) => 0.95 - 0.005 * i);
    expect(breachForecast(declining, { op: '<', value: 0.78 }, 12).predicted_breach_index).toBe(5);
  });

  it('noiseSigma widens the predictive spread: a near miss becomes a possible breach', () => {
    const near = Array.from({ length: 60 }, (_, i) => 0.8 + 0.002 * Math.sin(i));
    const plain = breachForecast(near, { op: '<', value: 0.79 }, 12);
    const noisy = breachForecast(near, { op: '<', value: 0.79 }, 12, { noiseSigma: 0.01 });
    expect(noisy.probability).toBeGreaterThan(plain.probability + 0.1);
    expect(noisy.predicted_breach_index).toBe(plain.predicted_breach_index);
    expect(() => breachForecast(near, { op: '<', value: 0.79 }, 12, { noiseSigma: -1 })).toThrow(RangeError);
  });

  it('returns NaN probability and empty arrays without enough data', () => {
    const b = breachForecast([0.9, null], { op: '<', value: 0.8 }, 5);
    expect(b.probability).toBeNaN();
    expect(b.predicted_breach_index).toBeNull();
    expect(b.expected).toEqual([]);
  });

  it('treats < and <= alike for probability, and an already-breached series as index 0', () => {
    const low = Array.from({ length: 20 }, (_, i) => 0.5 + 0.001 * (i % 2));
    const a = breachForecast(low, { op: '<', value: 0.8 }, 3);
    const b = breachForecast(low, { op: '<=', value: 0.8 }, 3);
    expect(a.probability).toBeCloseTo(b.probability, 12);
    expect(a.predicted_breach_index).toBe(0);
  });
});
