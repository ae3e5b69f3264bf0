import { describe, expect, it } from 'vitest';
import { createDetector } from './detector.js';
import { chiSquareQuantile, detectGroup, GroupDetector } from './group.js';
import { gaussian, mulberry32 } from './synthetic.js';

// Issue 18, "Groups of series": one event stream from combined evidence, whose false-alarm rate does
// not grow with the number of members, and events that name the members that drove them.

const START = Date.UTC(2024, 0, 1);
const STEP = 300_000;
const names = (m: number) => Array.from({ length: m }, (_, k) => `m${k}`);

describe('GroupDetector', () => {
  it('chiSquareQuantile is close to the table (k = 1, 8; p = 0.95, 0.999)', () => {
    expect(chiSquareQuantile(0.95, 8)).toBeCloseTo(15.51, 0);
    expect(chiSquareQuantile(0.999, 8)).toBeCloseTo(26.12, 0);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.84, 0);
  });

  it('raises its bars with the number of members (Šidák for the max, χ² for the sum)', () => {
    const one = new GroupDetector({ members: names(1) }).bars;
    const eight = new GroupDetector({ members: names(8) }).bars;
    // One member: half of P(|z| ≥ 4) = 6.3e-5 per test, so the max bar is Φ⁻¹(1 − 1.6e-5) ≈ 4.16.
    expect(one.max).toBeCloseTo(4.16, 1);
    // Eight: each member's share is 1 − (1 − 3.2e-5)^(1/8) ≈ 4e-6, so the bar is ≈ 4.61.
    expect(eight.max).toBeCloseTo(4.61, 1);
    expect(eight.sum).toBeGreaterThan(one.sum);
    expect(eight.sum).toBeCloseTo(chiSquareQuantile(1 - 3.17e-5, 8), 0);
  });

  it('holds its false alarms with 8 members to at most 1.5× those of one member', () => {
    // One member's alarms: its steps with |z| ≥ 3 (the same bar, sigmas 3, on that member alone).
    const n = 3000;
    const noise = names(8).map((_, k) => gaussian(mulberry32(100 + k)));
    const g = new GroupDetector({ members: names(8), sigmas: 3 });
    const solo = createDetector();
    let single = 0;
    const after = START + 200 * STEP;
    for (let i = 0; i < n; i++) {
      const values = noise.map((f) => 100 + f());
      const timestamp = START + i * STEP;
      g.update({ timestamp, values });
      const out = solo.update({ timestamp, value: values[0]! });
      if (timestamp > after && Math.abs(out.value - out.expected) >= 3 * solo.residualScale) single += 1;
    }
    const group = g.events().filter((e) => e.start > after).length;
    expect(single).toBeGreaterThan(3);
    expect(group).toBeLessThanOrEqual(1.5 * single);
  });

  it('attributes a fault in one member to that member', () => {
    const noise = names(8).map((_, k) => gaussian(mulberry32(7 + k)));
    const g = new GroupDetector({ members: names(8) });
    for (let i = 0; i < 800; i++) {
      const values = noise.map((f, k) => 100 + f() + (k === 3 && i >= 600 && i < 630 ? 8 : 0));
      g.update({ timestamp: START + i * STEP, values });
    }
    // The members' forecasts re-learn a lasting fault, so its end shows as an event too: each is m3's.
    const events = g.events().filter((e) => e.start >= START + 590 * STEP && e.start <= START + 640 * STEP);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]?.start).toBe(START + 600 * STEP);
    for (const e of events) {
      expect(e.drivers[0]?.member).toBe('m3');
      expect(e.drivers[0]?.share).toBeGreaterThan(0.5);
    }
  });

  it('sees a small change shared by every member that no member shows alone', () => {
    const noise = names(8).map((_, k) => gaussian(mulberry32(40 + k)));
    const g = new GroupDetector({ members: names(8) });
    const solo = createDetector();
    for (let i = 0; i < 800; i++) {
      // +2.2 sd in every member for 10 points: Σ z² ≈ 8 × (2.2² + 1) ≈ 47, over the bar (≈ 38).
      const values = noise.map((f) => 100 + f() + (i >= 600 && i < 610 ? 2.2 : 0));
      g.update({ timestamp: START + i * STEP, values });
      solo.update({ timestamp: START + i * STEP, value: values[0]! });
    }
    const during = g.events().filter((e) => e.start >= START + 600 * STEP && e.start < START + 610 * STEP);
    expect(during.length).toBeGreaterThanOrEqual(1);
    expect(during[0]?.drivers.length).toBeGreaterThanOrEqual(4);
  });

  it('detectGroup aligns members on their timestamps: a member missing at a step is missing, not shifted', () => {
    const noise = names(3).map((_, k) => gaussian(mulberry32(70 + k)));
    const series = names(3).map((name, k) => ({
      name,
      points: Array.from({ length: 700 }, (_, i) => ({
        timestamp: START + i * STEP,
        value: 50 + noise[k]!() + (k === 2 && i >= 500 && i < 520 ? 9 : 0),
      }))
        // m1 lacks every 7th step: were it shifted rather than aligned, its values would not line up.
        .filter((_, i) => k !== 1 || i % 7 !== 3),
    }));
    const got = detectGroup(series);
    expect(got.members).toEqual(['m0', 'm1', 'm2']);
    expect(got.steps).toBe(700);
    const fault = got.events.filter((e) => e.start >= START + 495 * STEP && e.start <= START + 525 * STEP);
    expect(fault[0]?.start).toBe(START + 500 * STEP);
    expect(fault[0]?.drivers[0]?.member).toBe('m2');
    // The same group through GroupDetector directly, with NaN where m1 has no point, gives the same events.
    const g = new GroupDetector({ members: names(3) });
    for (let i = 0; i < 700; i++) {
      const values = series.map(
        (s) => s.points.find((p) => p.timestamp === START + i * STEP)?.value ?? Number.NaN,
      );
      g.update({ timestamp: START + i * STEP, values });
    }
    expect(got.events).toEqual(g.events());
  });

  it('detectGroup opens events on smaller evidence with a lower cutoff (the high preset)', () => {
    const noise = names(4).map((_, k) => gaussian(mulberry32(90 + k)));
    const series = names(4).map((name, k) => ({
      name,
      points: Array.from({ length: 2000 }, (_, i) => ({
        timestamp: START + i * STEP,
        value: 10 + noise[k]!(),
      })),
    }));
    const medium = detectGroup(series);
    const high = detectGroup(series, { cutoff: 0.7 });
    expect(high.bars.max).toBeLessThan(medium.bars.max);
    expect(high.events.length).toBeGreaterThan(medium.events.length);
  });
});
