// Seeded synthetic series for tests and demos: core code may not call Math.random, so randomness comes
// from mulberry32 (Tommy Ettinger's 32-bit generator, public domain; period 2³²) and Gaussian noise from
// the Box–Muller transform (Box & Muller 1958, Ann. Math. Statist. 29).

/** mulberry32 returns a seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** gaussian returns a generator of standard normal numbers driven by `uniform`. */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const HOUR_MS = 3_600_000;

/** BusinessSeriesOptions shape an hourly traffic-like series. */
export interface BusinessSeriesOptions {
  readonly seed: number;
  readonly hours: number;
  readonly startMs: number;
  /** level, daily amplitude and weekend drop, in value units. */
  readonly level: number;
  readonly dailyAmplitude: number;
  readonly weekendDrop: number;
  /** noise is multiplicative: each value is scaled by 1 + noise·N(0, 1). */
  readonly noise: number;
  /** shift multiplies every value from hour `shiftAtHour` on by `shiftFactor`. */
  readonly shiftAtHour?: number;
  readonly shiftFactor?: number;
}

/**
 * businessSeries is an hourly series with a daily cycle, lower weekends, multiplicative noise and an
 * optional permanent ×factor shift: the shape of traffic, conversions or prediction volume.
 */
export function businessSeries(o: BusinessSeriesOptions): { timestamp: number; value: number }[] {
  const noise = gaussian(mulberry32(o.seed));
  const out: { timestamp: number; value: number }[] = [];
  for (let h = 0; h < o.hours; h++) {
    const timestamp = o.startMs + h * HOUR_MS;
    const weekday = new Date(timestamp).getUTCDay();
    const hourOfDay = new Date(timestamp).getUTCHours();
    const base =
      o.level +
      o.dailyAmplitude * Math.sin((2 * Math.PI * hourOfDay) / 24) -
      (weekday === 0 || weekday === 6 ? o.weekendDrop : 0);
    let value = base * (1 + o.noise * noise());
    if (o.shiftAtHour !== undefined && h >= o.shiftAtHour) value *= o.shiftFactor ?? 1;
    out.push({ timestamp, value });
  }
  return out;
}
