// Online robust seasonal-trend decomposition: value = level + trend·step + Σ seasonal profiles + remainder,
// updated point by point as in robust Holt–Winters smoothing (Gelper, Fried & Croux 2010, "Robust
// forecasting with exponential and Holt–Winters smoothing", J. Forecasting 29): the one-step residual is
// clipped to ±c·σ (a Huber ψ) before it moves the level, trend and seasonal states, so a spike cannot drag
// the baseline. Seasonal profiles are indexed by time bucket, not by sample count, which keeps the phase
// right across gaps and irregular sampling.

/** SeasonalProfile is one cycle: a zero-mean value per time bucket of the period. */
export interface SeasonalProfile {
  readonly periodMs: number;
  readonly bucketMs: number;
  readonly values: Float64Array;
}

/** SmoothingRates are the per-point learning rates of the decomposition. */
export interface SmoothingRates {
  /** level: weight of a (clipped) residual in the level. */
  readonly level: number;
  /** trend: weight of a (clipped) residual in the slope per point (0 disables trend learning). */
  readonly trend: number;
  /** trendDamping: per-point damping of the slope, so a fitted trend fades unless confirmed. */
  readonly trendDamping: number;
  /** seasonal: weight of a residual in its bucket's seasonal value, per cycle (shortest first). */
  readonly seasonal: readonly number[];
}

/** phaseIndex is the bucket of `timestamp` within a profile's cycle. */
export function phaseIndex(profile: SeasonalProfile, timestamp: number): number {
  const bins = profile.values.length;
  const i = Math.floor(timestamp / profile.bucketMs) % bins;
  return i < 0 ? i + bins : i;
}

/**
 * SeasonalTrendModel holds the decomposition state. `expected(t)` is the one-step forecast; `update`
 * learns from an observation given a clip limit for its residual.
 */
export class SeasonalTrendModel {
  level = Number.NaN;
  slope = 0;
  readonly profiles: SeasonalProfile[];

  constructor(profiles: readonly SeasonalProfile[] = []) {
    this.profiles = profiles.map((p) => ({ ...p, values: Float64Array.from(p.values) }));
  }

  /** seasonal is the sum of the profiles at `timestamp`. */
  seasonal(timestamp: number): number {
    let s = 0;
    for (const p of this.profiles) s += p.values[phaseIndex(p, timestamp)] ?? 0;
    return s;
  }

  /** expected is the forecast for `timestamp` made before seeing it. */
  expected(timestamp: number): number {
    return this.level + this.slope + this.seasonal(timestamp);
  }

  /**
   * update moves the state towards `value`: level and slope by Holt's recursions, the active seasonal
   * buckets by their own rates, all driven by the residual clipped to ±clip (Infinity = no clipping).
   */
  update(timestamp: number, value: number, clip: number, rates: SmoothingRates): void {
    if (Number.isNaN(this.level)) {
      this.level = value - this.seasonal(timestamp);
      return;
    }
    const residual = value - this.expected(timestamp);
    const r = Math.max(-clip, Math.min(clip, residual));
    this.level += this.slope + rates.level * r;
    this.slope = rates.trendDamping * this.slope + rates.trend * r;
    this.profiles.forEach((p, i) => {
      const rate = rates.seasonal[i] ?? 0;
      if (rate === 0) return;
      const k = phaseIndex(p, timestamp);
      p.values[k] = (p.values[k] ?? 0) + rate * r;
    });
  }

  /**
   * frozen copies the state into a forecast that no longer learns: `steps` points after now it is
   * level + slope·(damped steps) + seasonal, with the slope fading by `trendDamping` per point.
   * `level`, `slope` and `seasonalFactor` override the current state (the state before a re-baseline).
   */
  frozen(
    trendDamping: number,
    at: { level: number; slope: number; seasonalFactor: number },
  ): (timestamp: number, steps: number) => number {
    const copy = new SeasonalTrendModel(this.profiles);
    if (at.seasonalFactor !== 1) copy.scaleSeasonal(1 / at.seasonalFactor);
    const { level, slope } = at;
    return (timestamp, steps) => {
      const k = steps + 1;
      const damped = trendDamping >= 1 ? k : (trendDamping * (1 - trendDamping ** k)) / (1 - trendDamping);
      return level + slope * damped + copy.seasonal(timestamp);
    };
  }

  /** scaleSeasonal multiplies every profile by `factor`, for a multiplicative re-baseline. */
  scaleSeasonal(factor: number): void {
    for (const p of this.profiles)
      for (let i = 0; i < p.values.length; i++) p.values[i] = (p.values[i] ?? 0) * factor;
  }
}
