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
   * frozen copies the state into a forecast that no longer learns (see FrozenForecast). `level`,
   * `slope` and `seasonalFactor` override the current state (the state before a re-baseline).
   */
  frozen(trendDamping: number, at: { level: number; slope: number; seasonalFactor: number }): FrozenForecast {
    const copy = new SeasonalTrendModel(this.profiles);
    if (at.seasonalFactor !== 1) copy.scaleSeasonal(1 / at.seasonalFactor);
    copy.level = at.level;
    copy.slope = at.slope;
    return new FrozenForecast(copy, trendDamping);
  }

  /** restore puts back a frozen state, advanced by `steps` points of its slope. */
  restore(frozen: FrozenForecast, steps: number): void {
    const m = frozen.model;
    this.level = m.level + m.slope * frozen.dampedSteps(steps);
    this.slope = m.slope * frozen.damping ** (steps + 1);
    m.profiles.forEach((p, i) => {
      const mine = this.profiles[i];
      if (mine !== undefined && mine.values.length === p.values.length) mine.values.set(p.values);
    });
  }

  /** scaleSeasonal multiplies every profile by `factor`, for a multiplicative re-baseline. */
  scaleSeasonal(factor: number): void {
    for (const p of this.profiles)
      for (let i = 0; i < p.values.length; i++) p.values[i] = (p.values[i] ?? 0) * factor;
  }
}

/**
 * FrozenForecast is a copy of the model that no longer learns: `steps` points after it was frozen it
 * forecasts level + slope·(damped steps) + seasonal, the slope fading by `damping` per point.
 */
export class FrozenForecast {
  readonly model: SeasonalTrendModel;
  readonly damping: number;

  constructor(model: SeasonalTrendModel, damping: number) {
    this.model = model;
    this.damping = damping;
  }

  /** dampedSteps is Σ damping^i for i = 1..steps+1 (steps + 1 without damping). */
  dampedSteps(steps: number): number {
    const d = this.damping;
    const k = steps + 1;
    return d >= 1 ? k : (d * (1 - d ** k)) / (1 - d);
  }

  expected(timestamp: number, steps: number): number {
    const m = this.model;
    return m.level + m.slope * this.dampedSteps(steps) + m.seasonal(timestamp);
  }
}
