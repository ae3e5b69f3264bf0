import { describe, expect, it } from 'vitest';
import { businessSeries, gaussian, mulberry32 } from './synthetic.js';

describe('synthetic series', () => {
  it('are reproducible from a seed and uniform in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('draw standard normal noise (mean 0, sd 1 to 0.05 on 5000 draws)', () => {
    const g = gaussian(mulberry32(1));
    const xs = Array.from({ length: 5000 }, g);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });

  it('shape a business series with a daily cycle, weekends and a shift', () => {
    const s = businessSeries({
      seed: 1,
      hours: 14 * 24,
      startMs: Date.UTC(2020, 0, 6),
      level: 100,
      dailyAmplitude: 30,
      weekendDrop: 25,
      noise: 0,
      shiftAtHour: 7 * 24,
      shiftFactor: 2,
    });
    expect(s).toHaveLength(336);
    expect(s[6]?.value).toBeCloseTo(130, 9); // Monday 06:00: peak of the sine
    expect(s[5 * 24 + 6]?.value).toBeCloseTo(105, 9); // Saturday 06:00
    expect(s[7 * 24 + 6]?.value).toBeCloseTo(260, 9); // the next Monday, after the ×2
  });
});
