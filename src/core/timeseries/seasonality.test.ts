import { describe, expect, it } from 'vitest';
import {
  BucketHistory,
  chooseBucketMs,
  DAY_MS,
  DEFAULT_SEASONALITY_THRESHOLDS,
  decideSeasonality,
  detectSeasonality,
  IntervalTracker,
  typicalIntervalMs,
  WEEK_MS,
} from './seasonality.js';
import { gaussian, mulberry32 } from './synthetic.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const START = Date.UTC(2024, 0, 1); // a Monday

type Shape = (t: number, noise: () => number, step: () => number) => number;
function series(stepMs: number, spanMs: number, shape: Shape, seed = 1) {
  const noise = gaussian(mulberry32(seed));
  let walk = 0;
  const step = () => {
    walk += noise();
    return walk;
  };
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = START; t < START + spanMs; t += stepMs) {
    timestamps.push(t);
    values.push(shape(t, noise, step));
  }
  return { timestamps, values };
}

const daily = (t: number) => 10 * Math.sin((2 * Math.PI * t) / DAY_MS);
const weekend = (t: number) => ([0, 6].includes(new Date(t).getUTCDay()) ? -15 : 0);

describe('detectSeasonality', () => {
  type Case = { name: string; stepMs: number; spanMs: number; shape: Shape; kind: string };
  const cases: Case[] = [
    {
      name: 'hourly daily cycle with noise',
      stepMs: HOUR,
      spanMs: 4 * WEEK_MS,
      shape: (t, n) => 100 + daily(t) + 2 * n(),
      kind: 'daily',
    },
    {
      name: '5-minute daily cycle over 3 days',
      stepMs: 5 * MIN,
      spanMs: 3 * DAY_MS,
      shape: (t, n) => daily(t) + n(),
      kind: 'daily',
    },
    {
      name: 'weekday/weekend levels only',
      stepMs: HOUR,
      spanMs: 5 * WEEK_MS,
      shape: (t, n) => 50 + weekend(t) + n(),
      kind: 'weekly',
    },
    {
      name: 'daily and weekly together',
      stepMs: HOUR,
      spanMs: 5 * WEEK_MS,
      shape: (t, n) => 100 + daily(t) + weekend(t) + n(),
      kind: 'several',
    },
    { name: 'white noise', stepMs: HOUR, spanMs: 5 * WEEK_MS, shape: (_t, n) => n(), kind: 'none' },
    { name: 'random walk', stepMs: HOUR, spanMs: 5 * WEEK_MS, shape: (_t, _n, s) => s(), kind: 'none' },
    { name: 'too short to tell', stepMs: HOUR, spanMs: DAY_MS, shape: (t) => daily(t), kind: 'none' },
  ];
  it.each(cases)('$name → $kind', ({ stepMs, spanMs, shape, kind }) => {
    const { timestamps, values } = series(stepMs, spanMs, shape);
    expect(detectSeasonality(timestamps, values).kind).toBe(kind);
  });

  it('survives gaps and irregular sampling', () => {
    const rnd = mulberry32(3);
    const noise = gaussian(mulberry32(4));
    const timestamps: number[] = [];
    const values: number[] = [];
    for (let t = START; t < START + 10 * DAY_MS; t += 3 * MIN + rnd() * 10 * MIN) {
      // A six-hour outage every third day, and 20% of the remaining samples lost.
      if (Math.floor((t - START) / DAY_MS) % 3 === 1 && (t % DAY_MS) / HOUR < 6) continue;
      if (rnd() < 0.2) continue;
      timestamps.push(t);
      values.push(daily(t) + noise());
    }
    const s = detectSeasonality(timestamps, values);
    expect(s.kind).toBe('daily');
    expect(s.periodsMs).toEqual([DAY_MS]);
    expect(s.strength.daily).toBeGreaterThan(0.5);
  });
});

describe('decideSeasonality', () => {
  it('keeps a detected cycle through a weaker stretch (hysteresis) but drops a vanished one', () => {
    const h = new BucketHistory(HOUR);
    const noise = gaussian(mulberry32(5));
    // Amplitude 1 against unit noise: strength (0.33) sits between the on (0.4) and off (0.2) thresholds.
    for (let t = START; t < START + 8 * DAY_MS; t += HOUR)
      h.add(t, Math.sin((2 * Math.PI * t) / DAY_MS) + noise());
    const strength = h.strength(DAY_MS, DAY_MS / 2, DEFAULT_SEASONALITY_THRESHOLDS.dailyWithinMs) ?? 0;
    const { dailyStrength: on, hysteresis } = DEFAULT_SEASONALITY_THRESHOLDS;
    expect(strength).toBeGreaterThan(on - hysteresis);
    expect(strength).toBeLessThanOrEqual(on);
    expect(decideSeasonality(h, { daily: false, weekly: false }).daily).toBe(false);
    expect(decideSeasonality(h, { daily: true, weekly: false }).daily).toBe(true);
    const flat = new BucketHistory(HOUR);
    for (let t = START; t < START + 8 * DAY_MS; t += HOUR) flat.add(t, noise());
    expect(decideSeasonality(flat, { daily: true, weekly: false }).daily).toBe(false);
  });
});

describe('BucketHistory.profile', () => {
  it('recovers a zero-mean daily profile from a trending series', () => {
    const h = new BucketHistory(HOUR);
    for (let t = START; t < START + 6 * DAY_MS; t += HOUR) h.add(t, (t - START) / DAY_MS + daily(t));
    const profile = h.profile(DAY_MS);
    expect(profile.length).toBe(24);
    profile.forEach((v, hour) => {
      expect(v).toBeCloseTo(daily(hour * HOUR), 0);
    });
    expect(profile.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
  });

  it('bounds its memory: old buckets fall out', () => {
    const h = new BucketHistory(HOUR, 48);
    for (let t = START; t < START + 10 * DAY_MS; t += HOUR) h.add(t, 1);
    expect(h.spanMs).toBe(47 * HOUR);
  });
});

describe('sampling intervals', () => {
  it.each([
    { intervalMs: MIN, bucket: 5 * MIN },
    { intervalMs: 5 * MIN, bucket: 5 * MIN },
    { intervalMs: 7 * MIN, bucket: 10 * MIN },
    { intervalMs: HOUR, bucket: HOUR },
    { intervalMs: 5 * HOUR, bucket: 6 * HOUR },
    { intervalMs: 2 * DAY_MS, bucket: DAY_MS },
  ])('a $intervalMs ms interval gets $bucket ms buckets', ({ intervalMs, bucket }) => {
    expect(chooseBucketMs(intervalMs)).toBe(bucket);
    expect(DAY_MS % chooseBucketMs(intervalMs)).toBe(0);
  });

  it('take the median gap, ignoring repeats and reversals', () => {
    expect(typicalIntervalMs([0, 10, 20, 20, 30, 25, 100])).toBe(10);
    const tracker = new IntervalTracker();
    for (const t of [0, 10, 20, 20, 15, 30]) tracker.observe(t);
    expect({ count: tracker.count, interval: tracker.intervalMs }).toEqual({ count: 3, interval: 10 });
  });
});
