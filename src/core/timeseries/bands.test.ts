import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnomalyPoint, detect } from './detect.js';
import { SENSITIVITY_CUTOFF } from './sensitivity.js';
import { gaussian, mulberry32 } from './synthetic.js';

// Issue 13 item 13: a flag must be explained by the band it is shown with, and a count series gets
// no negative band.

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

/** flaggedInside lists the points flagged although their value lies inside their own band. */
function flaggedInside(points: readonly AnomalyPoint[]): AnomalyPoint[] {
  return points.filter((p) => p.anomaly && p.lower <= p.value && p.value <= p.upper);
}

/** series builds a noisy series with a level shift and a spike, from fast-check's numbers. */
function series(
  seed: number,
  n: number,
  level: number,
  noise: number,
  shiftAt: number,
  shift: number,
  count: boolean,
) {
  const normal = gaussian(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => {
    let v = level + noise * normal() + (i >= shiftAt ? shift : 0);
    if (i === Math.floor(n * 0.8)) v += 8 * noise + Math.abs(shift);
    if (count) v = Math.max(0, Math.round(v));
    return { timestamp: T0 + i * HOUR_MS, value: v };
  });
}

describe('anomaly bands agree with the flags', () => {
  it('property: no point with lower <= value <= upper is flagged, and a non-negative series has no bound below 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 80, max: 400 }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 0.5, max: 30, noNaN: true }),
        fc.double({ min: 0.3, max: 0.9, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.boolean(),
        fc.constantFrom('low', 'medium', 'high') as fc.Arbitrary<'low' | 'medium' | 'high'>,
        (seed, n, level, noise, shiftFrac, shift, count, sensitivity) => {
          const s = series(seed, n, level, noise, Math.floor(n * shiftFrac), shift, count);
          const { points } = detect(s, { sensitivity });
          expect(flaggedInside(points)).toEqual([]);
          // The bands change how flags are explained, not which points are flagged: the flag is
          // still "evidence at or over the cutoff" (score e/(e+1) >= cutoff/(cutoff+1)), except for
          // a value equal to a forecast whose band collapsed to that one value (a count at 0).
          const cut = SENSITIVITY_CUTOFF[sensitivity];
          const changed = points.filter((p) => p.anomaly !== p.score >= cut / (cut + 1));
          expect(changed.filter((p) => !(p.lower === p.upper && p.value === p.lower))).toEqual([]);
          if (s.every((p) => p.value >= 0)) {
            const negative = points.filter(
              (p) => p.lower < 0 || p.upper < 0 || p.expected < 0 || p.lower95 < 0 || p.upper95 < 0,
            );
            expect(negative).toEqual([]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a level shift that builds up point by point is flagged with a band that excludes the value', () => {
    // The shape of the report: a shift flagged while the point itself sat inside the point band.
    let found = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { points } = detect(series(seed, 300, 100, 4, 200, 6, false));
      for (const p of points.filter((x) => x.anomaly)) {
        found++;
        expect(p.value < p.lower || p.value > p.upper).toBe(true);
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it('a count series near zero gets bands that stay at or above 0', () => {
    const normal = gaussian(mulberry32(7));
    const s = Array.from({ length: 400 }, (_, i) => ({
      timestamp: T0 + i * HOUR_MS,
      value: Math.max(0, Math.round(1 + 1.5 * normal())),
    }));
    const { points } = detect(s);
    expect(Math.min(...points.map((p) => p.lower))).toBe(0);
    expect(points.every((p) => p.lower >= 0 && p.upper >= 0 && p.expected >= 0)).toBe(true);
  });

  it('a series that goes negative keeps its negative bounds', () => {
    const normal = gaussian(mulberry32(9));
    const s = Array.from({ length: 300 }, (_, i) => ({ timestamp: T0 + i * HOUR_MS, value: normal() }));
    const { points } = detect(s);
    expect(points.some((p) => p.lower < 0)).toBe(true);
  });

  it('the 95% band covers 93–97% of normal points of seasonal series, after the seasonal fit (issue 18)', () => {
    const coverage: number[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const normal = gaussian(mulberry32(seed));
      // Hourly traffic: daily cycle ±35%, weekend dip, 3% noise; 6 weeks.
      const s = Array.from({ length: 24 * 42 }, (_, i) => {
        const day = Math.floor(i / 24) % 7;
        const base = 1000 * (1 + 0.35 * Math.sin((2 * Math.PI * i) / 24)) * (day >= 5 ? 0.8 : 1);
        return { timestamp: T0 + i * HOUR_MS, value: base * (1 + 0.03 * normal()) };
      });
      const { points } = detect(s);
      const judged = points.slice(24 * 14);
      coverage.push(
        judged.filter((p) => p.value >= p.lower95 && p.value <= p.upper95).length / judged.length,
      );
    }
    const mean = coverage.reduce((a, b) => a + b, 0) / coverage.length;
    expect(mean).toBeGreaterThanOrEqual(0.93);
    expect(mean).toBeLessThanOrEqual(0.97);
  });

  it('a small-count series gets whole-number 95% bounds, never below 0', () => {
    const rand = mulberry32(11);
    // Poisson(3) counts by inversion.
    const poisson = (lambda: number) => {
      let k = 0;
      let p = Math.exp(-lambda);
      let c = p;
      const u = rand();
      while (u > c) {
        k += 1;
        p *= lambda / k;
        c += p;
      }
      return k;
    };
    const s = Array.from({ length: 2000 }, (_, i) => ({ timestamp: T0 + i * HOUR_MS, value: poisson(3) }));
    const { points } = detect(s);
    for (const p of points.slice(200)) {
      expect(p.lower95).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(p.lower95) && Number.isInteger(p.upper95)).toBe(true);
    }
    const judged = points.slice(200);
    const covered = judged.filter((p) => p.value >= p.lower95 && p.value <= p.upper95).length / judged.length;
    expect(covered).toBeGreaterThanOrEqual(0.93);
  });
});
