import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { createDetector, type TimePoint } from './detector.js';
import { eventJson } from './events.js';
import { DAY_MS } from './seasonality.js';
import { businessSeries, gaussian, mulberry32 } from './synthetic.js';

// Issue 18, "Events, not only points": every anomaly is an event with a start, an end (or ongoing), a
// peak, a direction and a kind, judged against the pre-event baseline while it lasts.

const MIN5 = 300_000;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1); // a Monday

/** daily builds a 5-minute series with a ±35% daily cycle and 3% multiplicative noise, `factor(i)` applied. */
function daily(n: number, seed: number, factor: (i: number) => number = () => 1): TimePoint[] {
  const noise = gaussian(mulberry32(seed));
  return Array.from({ length: n }, (_, i) => {
    const timestamp = START + i * MIN5;
    const clean = 1000 * (1 + 0.35 * Math.sin((2 * Math.PI * (timestamp % DAY_MS)) / DAY_MS));
    return { timestamp, value: clean * factor(i) * (1 + 0.03 * noise()) };
  });
}

const WARM = 4 * 288; // four days: the daily cycle is learnt after two

/** settled drops the events of the first two days, before the daily cycle is learnt (it shows as events). */
const settled = <E extends { start: number }>(events: readonly E[]) =>
  events.filter((e) => e.start >= START + 2 * DAY_MS);

describe('events: a fault is one event from its start to its end', () => {
  const cases = [
    { name: '×1.3 for 20 points', length: 20, factor: 1.3, seed: 1 },
    { name: '×0.75 for 100 points', length: 100, factor: 0.75, seed: 2 },
    { name: '×1.3 for 500 points', length: 500, factor: 1.3, seed: 3 },
  ];
  it.each(cases)('$name', ({ length, factor, seed }) => {
    const from = WARM;
    const to = from + length - 1;
    const series = daily(from + length + 600, seed, (i) => (i >= from && i <= to ? factor : 1));
    const { events: all, points } = detect(series);
    const events = settled(all);
    const during = events.filter((e) => e.kind !== 'spike' && e.start <= series[to]!.timestamp);
    expect(during).toHaveLength(1);
    const e = during[0]!;
    expect(e).toMatchObject({
      kind: 'level_shift',
      resolution: 'returned',
      ongoing: false,
      direction: factor > 1 ? 'up' : 'down',
    });
    expect(Math.abs(e.start - series[from]!.timestamp) / MIN5).toBeLessThanOrEqual(2);
    // The end is found within 10% of the fault's length (at least 2 points): the event was judged
    // against the pre-event baseline, not against a forecast that had learnt the fault.
    expect(Math.abs((e.end ?? 0) - series[to]!.timestamp) / MIN5).toBeLessThanOrEqual(
      Math.max(2, 0.1 * length),
    );
    expect(Math.sign(e.size)).toBe(factor > 1 ? 1 : -1);
    expect(e.durationMs).toBe((e.end ?? 0) - e.start);
    // After the return the detector is back on the old baseline: nothing more happens.
    expect(events.filter((x) => x.start > series[to]!.timestamp + 10 * MIN5)).toEqual([]);
    expect(points.slice(to + 20).filter((p) => p.anomaly)).toEqual([]);
  });
});

describe('events: kinds and resolutions', () => {
  it('a spike is a one-point spike event, and its point is flagged outside its band', () => {
    const series = daily(WARM + 200, 4);
    const at = WARM + 100;
    series[at] = { timestamp: series[at]!.timestamp, value: series[at]!.value * 1.3 };
    const { events: all, points } = detect(series);
    const events = settled(all);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'spike', direction: 'up', points: 1, durationMs: 0 });
    expect(events[0]?.start).toBe(series[at]?.timestamp);
    expect(points[at]?.anomaly).toBe(true);
    expect(points[at]?.value).toBeGreaterThan(points[at]?.upper ?? Number.POSITIVE_INFINITY);
  });

  it('a lasting shift is ongoing, then declared the new normal after the stated time', () => {
    const from = WARM;
    const series = daily(from + 400, 5, (i) => (i >= from ? 1.5 : 1));
    const ongoing = settled(detect(series, { events: { newNormalPoints: 1000 } }).events);
    expect(ongoing).toHaveLength(1);
    expect(ongoing.at(-1)).toMatchObject({
      kind: 'level_shift',
      ongoing: true,
      end: null,
      resolution: 'ongoing',
    });
    const after = settled(detect(series, { events: { newNormalPoints: 200 } }).events);
    expect(after.filter((e) => e.kind !== 'spike')).toHaveLength(1);
    expect(after[0]).toMatchObject({
      kind: 'level_shift',
      resolution: 'new_normal',
      ongoing: false,
      direction: 'up',
    });
    expect(after[0]?.start).toBe(series[from]?.timestamp);
  });

  it('a slow drift is one trend event, not a flag per point', () => {
    const noise = gaussian(mulberry32(6));
    // Flat at 100 with noise 1, then +0.02 per point for 1,000 points: 20 sd in all, 0.02 sd per point.
    const series = Array.from({ length: 2200 }, (_, i) => ({
      timestamp: START + i * MIN5,
      value: 100 + noise() + 0.02 * Math.min(Math.max(0, i - 800), 1000),
    }));
    const { events, points } = detect(series);
    const during = events.filter((e) => e.start >= series[700]!.timestamp && e.kind !== 'spike');
    const trends = during.filter((e) => e.kind === 'trend_change');
    expect(trends).toHaveLength(1);
    expect(trends[0]).toMatchObject({ direction: 'up', resolution: 'new_normal' });
    // It covers most of the drift (the trend test starts it where its window began).
    expect(trends[0]?.points).toBeGreaterThanOrEqual(800);
    // Besides it, at most two short shift events where the drift begins (the CUSUM sees it first).
    expect(during.filter((e) => e.kind !== 'trend_change' && e.points > 30)).toEqual([]);
    expect(during.length).toBeLessThanOrEqual(3);
    expect(points.slice(800, 1800).filter((p) => p.anomaly).length).toBeLessThanOrEqual(6);
  });

  it('missing values are a missing-data event', () => {
    const series = daily(WARM + 100, 7);
    for (let i = WARM + 20; i < WARM + 30; i++)
      series[i] = { timestamp: series[i]!.timestamp, value: Number.NaN };
    const missing = settled(detect(series).events).filter((e) => e.kind === 'missing_data');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      start: series[WARM + 20]?.timestamp,
      end: series[WARM + 29]?.timestamp,
      points: 10,
    });
    expect(eventJson(missing[0]!)).toMatchObject({ size: null, peak: { value: null } });
  });

  it('renders events for JSON with ISO times', () => {
    const series = daily(WARM + 50, 8);
    series[WARM + 10] = { timestamp: series[WARM + 10]!.timestamp, value: 5000 };
    const [e] = settled(detect(series).events);
    expect(eventJson(e!)).toMatchObject({
      start: new Date(series[WARM + 10]!.timestamp).toISOString(),
      end: new Date(series[WARM + 10]!.timestamp).toISOString(),
      kind: 'spike',
      peak: { value: 5000 },
    });
  });
});

describe('issue 18: a traffic-like series with daily and weekly cycles', () => {
  // Hourly, daily ±35% of level, weekend dip, 3% noise; spikes of 8 noise sd from day 15 on, and a
  // lasting ×2 shift after five weeks. Measured on main before this work: no spike flagged. With the
  // defaults the spikes are found as spike events (point flags keep NAB's tuning); with
  // flagEventOpenings the points are flagged too.
  const hours = 8 * 7 * 24;
  const shiftAt = 5 * 7 * 24;
  const build = (seed: number) => {
    const series = businessSeries({
      seed,
      hours,
      startMs: START,
      level: 1000,
      dailyAmplitude: 350,
      weekendDrop: 300,
      noise: 0.03,
      shiftAtHour: shiftAt,
      shiftFactor: 2,
    });
    const spikes = new Set<number>();
    let sign = 1;
    for (let h = 15 * 24 + seed; h < hours; h += 41) {
      if (Math.abs(h - shiftAt) < 24) continue;
      sign = -sign;
      series[h] = { timestamp: series[h]!.timestamp, value: series[h]!.value * (1 + sign * 8 * 0.03) };
      spikes.add(h);
    }
    return { series, spikes };
  };
  const normalIndex = (i: number, spikes: Set<number>) =>
    i >= 15 * 24 && !spikes.has(i) && (i < shiftAt || i >= shiftAt + 24);

  it('finds spikes of 8 noise sd as spike events before and after a lasting ×2 shift, and little else', () => {
    let hit = 0;
    let n = 0;
    let falseEvents = 0;
    let normal = 0;
    for (const seed of [1, 2]) {
      const { series, spikes } = build(seed);
      const { events } = detect(series);
      const spikeEvents = new Set(events.filter((e) => e.kind === 'spike').map((e) => e.start));
      const starts = new Set(events.map((e) => e.start));
      // Found: a spike event there, or an event that the spike opened (one that went on, e.g. into a
      // weekend dip, is named by its whole course).
      hit += [...spikes].filter(
        (h) => spikeEvents.has(series[h]!.timestamp) || starts.has(series[h]!.timestamp),
      ).length;
      n += spikes.size;
      series.forEach((p, i) => {
        if (!normalIndex(i, spikes)) return;
        normal += 1;
        if (starts.has(p.timestamp)) falseEvents += 1;
      });
    }
    expect(hit / n).toBeGreaterThanOrEqual(0.9);
    expect(falseEvents / normal).toBeLessThanOrEqual(0.005);
  });

  it('with flagEventOpenings, flags those spikes as points, each outside its band', () => {
    let hit = 0;
    let n = 0;
    let falseFlags = 0;
    let normal = 0;
    for (const seed of [1, 2]) {
      const { series, spikes } = build(seed);
      const detector = createDetector({ tuning: { flagEventOpenings: true } });
      const out = series.map((p) => detector.update(p));
      hit += [...spikes].filter((h) => out[h]?.anomaly).length;
      n += spikes.size;
      out.forEach((p, i) => {
        if (p.anomaly) expect(p.value < p.lower || p.value > p.upper).toBe(true);
        if (!normalIndex(i, spikes)) return;
        normal += 1;
        if (p.anomaly) falseFlags += 1;
      });
    }
    expect(hit / n).toBeGreaterThanOrEqual(0.9);
    expect(falseFlags / normal).toBeLessThanOrEqual(0.005);
  });

  it('gives count series non-negative bands and forecasts (Poisson counts with a daily cycle)', () => {
    const uniform = mulberry32(9);
    const poisson = (mean: number) => {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = uniform();
      while (p > limit) {
        k += 1;
        p *= uniform();
      }
      return k;
    };
    const series = Array.from({ length: 24 * 28 }, (_, h) => ({
      timestamp: START + h * HOUR,
      value: poisson(1 + 1 * Math.sin((2 * Math.PI * h) / 24)),
    }));
    const { points, events } = detect(series);
    expect(points.filter((p) => p.lower < 0 || p.upper < 0 || p.expected < 0)).toEqual([]);
    expect(events.filter((e) => e.peak.expected < 0)).toEqual([]);
  });
});

describe('events: spikes on seasonal traffic (bench/anomaly.ts, issue 18)', () => {
  const traffic = (seed: number) =>
    businessSeries({
      seed,
      hours: 30 * 24,
      startMs: START,
      level: 1000,
      dailyAmplitude: 350,
      weekendDrop: 300,
      noise: 0.03,
    });

  it('a spike followed by a point of noise outside the quiet band is still a spike, not a level shift', () => {
    const s = traffic(21);
    const at = 20 * 24 + 5;
    const bump = (i: number, sd: number) => {
      const p = s[i] as TimePoint;
      s[i] = { timestamp: p.timestamp, value: p.value * (1 + sd * 0.03) };
    };
    bump(at, 10);
    // Two points later the series sits 2.6 noise sd high: outside the quiet band (2), nowhere near the bar.
    bump(at + 2, 2.6);
    const { events } = detect(s);
    const e = events.find((x) => x.start === s[at]?.timestamp);
    expect(e?.kind).toBe('spike');
  });

  it('judges points in the warm-up after a forecast rebuild, so a spike just after the weekly cycle is found is an event', () => {
    // The weekly cycle is tested after 14 days; the scale is then learnt again over 60 points.
    const s = traffic(3);
    const at = 15 * 24 + 3;
    const p = s[at] as TimePoint;
    s[at] = { timestamp: p.timestamp, value: p.value * (1 + 10 * 0.03) };
    const { events, seasonality } = detect(s);
    expect(seasonality.periodsMs).toContain(7 * DAY_MS);
    expect(events.some((e) => e.start === p.timestamp && e.kind === 'spike')).toBe(true);
  });
});
