import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDetector, type DetectorPoint, type TimePoint } from './detector.js';
import { DAY_MS } from './seasonality.js';
import { businessSeries, gaussian, mulberry32 } from './synthetic.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const WEEK_H = 168;
const START = Date.UTC(2020, 0, 6); // a Monday

function run(
  points: readonly TimePoint[],
  options: Parameters<typeof createDetector>[0] = {},
): DetectorPoint[] {
  const detector = createDetector(options);
  return points.map((p) => detector.update(p));
}

function noisy(n: number, seed: number, at: (i: number) => number = () => 100): TimePoint[] {
  const noise = gaussian(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => ({ timestamp: START + i * 5 * MIN, value: at(i) + noise() }));
}

describe('createDetector: point behaviour', () => {
  it('stays quiet on a flat line and forecasts it exactly', () => {
    const out = run(Array.from({ length: 500 }, (_, i) => ({ timestamp: START + i * MIN, value: 42 })));
    expect(out.some((o) => o.anomaly || o.changepoint)).toBe(false);
    const last = out.at(-1);
    expect(last).toMatchObject({ expected: 42, score: 0 });
    // The band collapses to the numerical floor of σ (1e-9 of the level).
    expect(last?.upper).toBeCloseTo(42, 5);
    expect(last?.lower).toBeCloseTo(42, 5);
  });

  it('flags a spike once, at the spike, and explains it with its bounds', () => {
    const points = noisy(1000, 1);
    points[700] = { timestamp: points[700]?.timestamp ?? 0, value: 150 };
    const out = run(points);
    const flagged = out.flatMap((o, i) => (o.anomaly ? [i] : []));
    expect(flagged).toEqual([700]);
    const spike = out[700];
    expect(spike?.value).toBeGreaterThan(spike?.upper ?? Number.POSITIVE_INFINITY);
    expect(spike?.expected).toBeCloseTo(100, 0);
    expect(spike?.score).toBeGreaterThan(0.5);
  });

  it('scores nothing during warm-up', () => {
    const out = run(noisy(50, 2, (i) => (i === 30 ? 1000 : 100)));
    expect(out.every((o) => o.score === 0 && !o.anomaly)).toBe(true);
  });

  it('orders the presets: high flags at least what medium flags, medium at least what low flags', () => {
    const points = noisy(3000, 3, (i) => (i % 500 === 499 ? 103.5 + (i % 7) : 100));
    const count = (sensitivity: 'low' | 'medium' | 'high') =>
      run(points, { sensitivity }).filter((o) => o.anomaly).length;
    expect(count('high')).toBeGreaterThanOrEqual(count('medium'));
    expect(count('medium')).toBeGreaterThanOrEqual(count('low'));
    expect(count('high')).toBeGreaterThan(count('low'));
  });

  it('is causal: a point is scored the same whatever comes after it', () => {
    const a = noisy(800, 4);
    const b = [
      ...a.slice(0, 600),
      ...noisy(200, 99, () => 500).map((p, i) => ({ ...p, timestamp: START + (600 + i) * 5 * MIN })),
    ];
    expect(run(a).slice(0, 600)).toEqual(run(b).slice(0, 600));
  });

  it('always answers with finite forecasts, ordered bounds and a score in [0, 1)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
      fc.constantFrom(0, 1, -1, 1e-300),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_600_000 }), value), { minLength: 60, maxLength: 400 }),
        (steps) => {
          const detector = createDetector();
          let t = START;
          for (const [gap, v] of steps) {
            t += gap;
            const o = detector.update({ timestamp: t, value: v });
            expect(Number.isFinite(o.expected) && Number.isFinite(o.lower) && Number.isFinite(o.upper)).toBe(
              true,
            );
            expect(o.lower).toBeLessThanOrEqual(o.upper);
            expect(o.score >= 0 && o.score < 1).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is deterministic', () => {
    const points = noisy(700, 5);
    expect(run(points)).toEqual(run(points));
  });

  it('answers a NaN value without learning from it', () => {
    const points = noisy(300, 6);
    const withGap = [
      ...points.slice(0, 200),
      { timestamp: START + 200.5 * 5 * MIN, value: Number.NaN },
      ...points.slice(200),
    ];
    const out = run(withGap);
    expect(out[200]).toMatchObject({ score: 0, anomaly: false, changepoint: false });
    expect(out.slice(201)).toEqual(run(points).slice(200));
  });

  it('rejects a non-finite timestamp, and scores a repeated or earlier one as the next point', () => {
    const detector = createDetector();
    expect(() => detector.update({ timestamp: Number.NaN, value: 1 })).toThrow(RangeError);
    detector.update({ timestamp: START, value: 1 });
    expect(() => detector.update({ timestamp: START, value: 1 })).not.toThrow();
    expect(() => detector.update({ timestamp: START - HOUR, value: 1 })).not.toThrow();
    expect(detector.count).toBe(3);
  });

  it('learns a daily cycle from the stream and forecasts it', () => {
    const noise = gaussian(mulberry32(7));
    const points = Array.from({ length: 6 * 288 }, (_, i) => {
      const timestamp = START + i * 5 * MIN;
      return { timestamp, value: 50 + 20 * Math.sin((2 * Math.PI * timestamp) / DAY_MS) + noise() };
    });
    const detector = createDetector();
    const out = points.map((p) => detector.update(p));
    expect(detector.seasonality.kind).toBe('daily');
    const lastDay = out.slice(-288);
    const meanAbsError = lastDay.reduce((s, o) => s + Math.abs(o.value - o.expected), 0) / lastDay.length;
    expect(meanAbsError).toBeLessThan(2);
    expect(lastDay.filter((o) => o.anomaly).length).toBeLessThanOrEqual(1);
  });

  it('re-baselines after a level step and reports it as one change point', () => {
    const out = run(noisy(1500, 8, (i) => (i < 1000 ? 100 : 130)));
    const changes = out.flatMap((o, i) => (o.changepoint ? [i] : []));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toBeGreaterThanOrEqual(1000);
    expect(changes[0]).toBeLessThanOrEqual(1012);
    expect(out.slice(1020).filter((o) => o.anomaly)).toHaveLength(0);
    expect(out.at(-1)?.expected).toBeCloseTo(130, 0);
  });

  it('follows a new trend after a trend shift', () => {
    const out = run(noisy(1600, 9, (i) => (i < 1000 ? 100 : 100 + 0.5 * (i - 1000))));
    expect(out.some((o, i) => o.changepoint && i >= 1000)).toBe(true);
    // A level-only forecast lags a ramp by about slope/levelRate = 0.5/0.02 = 25; the fitted slope keeps
    // the lag well under that while it fades.
    const tail = out.slice(-100);
    const meanAbsError = tail.reduce((s, o) => s + Math.abs(o.value - o.expected), 0) / tail.length;
    expect(meanAbsError).toBeLessThan(15);
  });
});

// Issue 5, "Done when" 3: an hourly series with daily and weekly seasonality and a permanent ×2 level
// shift at a known time. The shift must be flagged within 6 hours, and after one week of the new regime
// the false-alarm rate must be back to its pre-shift level. The ×0.5 rows are the 2020 story the issue
// starts from: traffic halving overnight.
describe('issue 5: a lasting ×2 shift is flagged once, then learnt within a season', () => {
  const shiftAt = 8 * WEEK_H; // eight weeks of history: enough to detect the weekly cycle
  const end = 12 * WEEK_H;
  const cases = [1, 2, 3].flatMap((seed) => [
    { name: `×2, seed ${seed}`, seed, factor: 2 },
    { name: `×0.5, seed ${seed}`, seed, factor: 0.5 },
  ]);

  it.each(cases)('$name', ({ seed, factor }) => {
    const series = businessSeries({
      seed,
      hours: end,
      startMs: START,
      level: 100,
      dailyAmplitude: 30,
      weekendDrop: 25,
      noise: 0.03,
      shiftAtHour: shiftAt,
      shiftFactor: factor,
    });
    const detector = createDetector({ sensitivity: 'medium' });
    const out = series.map((p) => detector.update(p));
    expect(detector.seasonality.kind).toBe('several');

    const flagged = (from: number, to: number) => out.slice(from, to).filter((o) => o.anomaly).length;
    // Flagged within 6 hours (hours 0..6 after the shift), and confirmed as a change point.
    expect(flagged(shiftAt, shiftAt + 7)).toBeGreaterThan(0);
    expect(out.slice(shiftAt, shiftAt + 7).some((o) => o.changepoint)).toBe(true);
    // Flagged once: at most the onset and the confirmation, nothing later in the first day.
    expect(flagged(shiftAt, shiftAt + 24)).toBeLessThanOrEqual(2);

    // False-alarm rate: four pre-shift weeks against the three weeks after the first new one.
    const preRate = flagged(shiftAt - 4 * WEEK_H, shiftAt) / (4 * WEEK_H);
    const postRate = flagged(shiftAt + WEEK_H, end) / (end - shiftAt - WEEK_H);
    expect(postRate).toBeLessThanOrEqual(preRate);

    // And the forecast has learnt the new regime, swing included: relative error as before the shift.
    const relError = (from: number, to: number) => {
      const slice = out.slice(from, to);
      return slice.reduce((s, o) => s + Math.abs(o.value - o.expected) / o.value, 0) / slice.length;
    };
    expect(relError(shiftAt + WEEK_H, end)).toBeLessThan(1.5 * relError(shiftAt - 3 * WEEK_H, shiftAt));
  });
});
