/*
 * Robust damped-trend Holt smoothing with prediction intervals, for short-horizon forecasts
 * of a monitored metric.
 *
 * Model (Gardner & McKenzie 1985, "Forecasting trends in time series", Mgmt Sci 31(10)):
 *   ŷ_{t|t−1} = ℓ_{t−1} + φ b_{t−1}
 *   ℓ_t = α y*_t + (1 − α) ŷ_{t|t−1},   b_t = β (ℓ_t − ℓ_{t−1}) + (1 − β) φ b_{t−1}
 *   ŷ_{t+h|t} = ℓ_t + (φ + φ² + … + φ^h) b_t
 * Robustness (Gelper, Fried & Croux 2010, "Robust forecasting with exponential and Holt–Winters
 * smoothing", J. Forecasting 29): y*_t is the observation with its one-step residual clipped
 * to ±k·σ_t (Huber, k = 2), and σ_t is an exponentially weighted scale of the clipped
 * residuals (λ = 0.1, ×1.086 so it stays consistent for Gaussian noise: E[min(Z², 4)] = 0.9205).
 * A lone outlier moves the level by at most α·kσ. A level shift is not an outlier: after 3
 * clipped residuals in a row on the same side the level restarts at their median (without
 * this, a series that was constant — σ_t at its floor — would clip a real jump for dozens of
 * steps while σ_t grows ×1.33 a step).
 * Gaps (null or NaN) advance the state without an update: ℓ ← ℓ + φb, b ← φb.
 * Start: a Theil–Sen line through the first 8 observations. Parameters: the (α, β, φ) of a
 * small grid (DEFAULT_HOLT_GRID) minimising the clipped squared errors of in-sample forecasts at
 * 1, H/4 and H/2 steps (multiStepLoss), clipped at k·s₀·√h with s₀ the MAD scale of first
 * differences / √2 (fixed across the grid, so losses compare).
 * Intervals: see intervals.ts (empirical h-step error scales, ETS formula as fallback).
 * Epsilon: σ_t never drops below max(1e-9·(1 + |ℓ₀|), 0.1·median |Δy|), so the clip cannot
 * freeze the filter on a noiseless series; error scales of 0 are floored at 1e-9·(1 + |ℓ₀|).
 */
import { robustScale } from '../timeseries/index.js';
import { analyticScales, dampedSum, empiricalScales, withInterval } from './intervals.js';

/** HoltParams are the smoothing weights of level and trend and the trend damping. */
export interface HoltParams {
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
}

/** HoltGrid lists the candidate values of each parameter. */
export interface HoltGrid {
  readonly alpha: readonly number[];
  readonly beta: readonly number[];
  readonly phi: readonly number[];
}

/** HoltOptions configures forecastHolt. */
export interface HoltOptions {
  /** Fixed parameters (e.g. cached from an earlier fit); when absent they are chosen on the grid. */
  readonly params?: HoltParams | undefined;
  /** Candidate parameters. Default DEFAULT_HOLT_GRID. */
  readonly grid?: HoltGrid;
  /** Nominal coverage of the prediction interval. Default 0.9. */
  readonly level?: number;
}

/** HoltForecast is the forecast for steps 1…horizon after the last point of the series. */
export interface HoltForecast {
  readonly params: HoltParams;
  readonly expected: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** Forecast error scale per step. */
  readonly sigma: readonly number[];
}

const HUBER_K = 2;
const SCALE_RATE = 0.1;
const CLIPPED_CONSISTENCY = 1 / 0.9205;
const START_POINTS = 8;
const SHIFT_RUN = 3;

function median3(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  // 1 ≤ s.length ≤ 3: the middle index exists.
  return s[(s.length - 1) >> 1]!;
}
/**
 * DEFAULT_HOLT_GRID: 3 × 5 × 5 candidates, for metric series evaluated hourly.
 * - α ≥ 0.2: an early warning must follow a level shift within a few steps (α = 0.2 covers 67%
 *   of a shift in 5 steps). Chosen on stable history alone, the loss would pick α → 0, the
 *   best forecast of pure noise, and the forecast would sleep through the change it is for.
 * - β down to 0.005: a drift that takes weeks moves a noisy hourly series by less than its
 *   noise each step; only a long-memory trend (≈ 1/β steps) separates it from the noise.
 * - φ up to 0.998: at φ = 0.98 a trend is worth at most 49 steps (two days), too short for a
 *   drift that takes weeks. Least damping comes first so that ties (an exact line fits every φ)
 *   pick the straighter trend.
 * On the early-warning bench (bench/early-warning/scenarios.ts) the median lead on gradual drift
 * was −40 h with β ≥ 0.02, φ ≤ 0.98 and a 72 h horizon (3 seeds), and +24 h with this grid and a
 * 120 h horizon (6 seeds).
 */
export const DEFAULT_HOLT_GRID: HoltGrid = {
  alpha: [0.2, 0.35, 0.5],
  beta: [0.005, 0.01, 0.02, 0.05, 0.1],
  phi: [0.998, 0.995, 0.98, 0.95, 0.9],
};

/** Prepared is a series made ready for filtering (gaps as NaN, start values, scales). */
export interface Prepared {
  readonly y: Float64Array;
  readonly first: number;
  readonly level0: number;
  readonly trend0: number;
  readonly scale0: number;
  /** Lower bound of the online residual scale σ_t. */
  readonly sigmaFloor: number;
  /** Index from which residuals count in the loss and the error scales. */
  readonly burnIn: number;
}

/** Run is the filtered state after each step and the one-step residuals after the burn-in. */
export interface Run {
  readonly levels: Float64Array;
  readonly trends: Float64Array;
  readonly residuals: number[];
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  // m < s.length for a non-empty list; callers never pass an empty one.
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function prepare(series: ArrayLike<number | null>): Prepared | null {
  const y = Float64Array.from({ length: series.length }, (_, i) => series[i] ?? Number.NaN);
  const observed: number[] = [];
  y.forEach((v, i) => {
    if (Number.isFinite(v)) observed.push(i);
    else y[i] = Number.NaN;
  });
  if (observed.length < 3) return null;
  const start = observed.slice(0, START_POINTS);
  const slopes: number[] = [];
  for (let a = 0; a < start.length; a++) {
    for (let b = a + 1; b < start.length; b++) {
      const i = start[a]!;
      const j = start[b]!;
      slopes.push((y[j]! - y[i]!) / (j - i));
    }
  }
  const slope = medianOf(slopes);
  const first = start[0]!;
  const level0 = medianOf(start.map((i) => y[i]! - slope * (i - first)));
  const diffs: number[] = [];
  for (let k = 1; k < observed.length; k++) {
    const i = observed[k - 1]!;
    const j = observed[k]!;
    if (j - i === 1) diffs.push(y[j]! - y[i]!);
  }
  // A tenth of the typical step keeps the Huber clip from freezing the filter on a noiseless
  // series (an exact line has a zero MAD, and every residual would be "infinitely" surprising).
  const typicalStep = diffs.length > 0 ? medianOf(diffs.map(Math.abs)) : 0;
  const sigmaFloor = Math.max(1e-9 * (1 + Math.abs(level0)), 0.1 * typicalStep);
  const scale0 = Math.max(diffs.length > 1 ? robustScale(diffs).sigma / Math.SQRT2 : 0, sigmaFloor);
  return { y, first, level0, trend0: slope, scale0, sigmaFloor, burnIn: start[start.length - 1]! + 1 };
}

function run(p: Prepared, params: HoltParams, levels: Float64Array, trends: Float64Array): Run {
  const { alpha, beta, phi } = params;
  const n = p.y.length;
  const residuals: number[] = [];
  let level = p.level0;
  let trend = p.trend0;
  let sigma2 = p.scale0 * p.scale0;
  const floor2 = p.sigmaFloor ** 2;
  levels.fill(Number.NaN);
  trends.fill(Number.NaN);
  levels[p.first] = level;
  trends[p.first] = trend;
  // Level-shift rule: SHIFT_RUN clipped residuals in a row on one side are a new level, not
  // outliers; the level restarts at the median of those observations.
  let run = 0;
  const recent: number[] = [];
  for (let t = p.first + 1; t < n; t++) {
    const predicted = level + phi * trend;
    const y = p.y[t]!;
    if (Number.isNaN(y)) {
      level = predicted;
      trend *= phi;
    } else {
      const r = y - predicted;
      const bound2 = HUBER_K * HUBER_K * sigma2;
      const bound = Math.sqrt(bound2);
      recent.push(y);
      if (recent.length > SHIFT_RUN) recent.shift();
      run = r > bound ? Math.max(run, 0) + 1 : r < -bound ? Math.min(run, 0) - 1 : 0;
      if (Math.abs(run) >= SHIFT_RUN) {
        level = median3(recent);
        run = 0;
      } else {
        const cleaned = predicted + Math.min(bound, Math.max(-bound, r));
        sigma2 = Math.max(
          floor2,
          (1 - SCALE_RATE) * sigma2 + SCALE_RATE * CLIPPED_CONSISTENCY * Math.min(r * r, bound2),
        );
        const next = alpha * cleaned + (1 - alpha) * predicted;
        trend = beta * (next - level) + (1 - beta) * phi * trend;
        level = next;
      }
      if (t >= p.burnIn) residuals.push(r);
    }
    levels[t] = level;
    trends[t] = trend;
  }
  return { levels, trends, residuals };
}

/**
 * multiStepLoss scores a run by its forecasts at several horizons: Σ_h Σ_t min(e²_{t,h}, (k·s₀)²·h)
 * / h, so each horizon weighs alike when errors grow like a random walk. One-step loss alone
 * picks α high and ignores the trend on a smooth series (a trailing-window metric), exactly
 * where the trend decides whether a breach is coming.
 */
function multiStepLoss(p: Prepared, r: Run, phi: number, horizons: readonly number[]): number {
  const n = p.y.length;
  const clip2 = (HUBER_K * p.scale0) ** 2;
  let loss = 0;
  for (const h of horizons) {
    const damp = dampedSum(phi, h);
    for (let t = p.burnIn - 1; t + h < n; t++) {
      const actual = p.y[t + h]!;
      const level = r.levels[t]!;
      if (Number.isNaN(actual) || Number.isNaN(level)) continue;
      const e = actual - (level + damp * r.trends[t]!);
      loss += Math.min(e * e, clip2 * h) / h;
    }
  }
  return loss;
}

/** FittedHolt is a filtered series with its parameters (shared with the window forecast). */
export interface FittedHolt {
  readonly prepared: Prepared;
  readonly run: Run;
  readonly params: HoltParams;
  /** Smallest error scale reported. */
  readonly floor: number;
}

/**
 * fitHolt validates the arguments, chooses the parameters (unless given) and filters the
 * series. Null with fewer than 3 observations.
 */
export function fitHolt(
  series: ArrayLike<number | null>,
  horizon: number,
  options: HoltOptions,
): FittedHolt | null {
  if (!(Number.isInteger(horizon) && horizon >= 1)) {
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  }
  const level = options.level ?? 0.9;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const p = prepare(series);
  if (p === null) return null;
  const n = p.y.length;
  let chosen = options.params;
  if (chosen === undefined) {
    const horizons = [
      ...new Set([1, Math.max(1, Math.round(horizon / 4)), Math.max(1, Math.round(horizon / 2))]),
    ];
    const levels = new Float64Array(n);
    const trends = new Float64Array(n);
    let bestLoss = Number.POSITIVE_INFINITY;
    const grid = options.grid ?? DEFAULT_HOLT_GRID;
    for (const alpha of grid.alpha) {
      for (const beta of grid.beta) {
        for (const phi of grid.phi) {
          const loss = multiStepLoss(p, run(p, { alpha, beta, phi }, levels, trends), phi, horizons);
          if (loss < bestLoss) {
            bestLoss = loss;
            chosen = { alpha, beta, phi };
          }
        }
      }
    }
  }
  // The grid always sets `chosen`; the fallback only satisfies the compiler.
  const params = chosen ?? { alpha: 0.3, beta: 0.1, phi: 0.9 };
  return {
    prepared: p,
    run: run(p, params, new Float64Array(n), new Float64Array(n)),
    params,
    floor: 1e-9 * (1 + Math.abs(p.level0)),
  };
}

/**
 * forecastHolt forecasts `horizon` steps past the end of an evenly spaced series (null or
 * NaN marks a gap; trailing gaps are forecast through). Null with fewer than 3 observations.
 *
 * @example
 * forecastHolt([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 2, { params: { alpha: 0.5, beta: 0.3, phi: 1 } })?.expected; // [0, −1]
 */
export function forecastHolt(
  series: ArrayLike<number | null>,
  horizon: number,
  options: HoltOptions = {},
): HoltForecast | null {
  const fit = fitHolt(series, horizon, options);
  if (fit === null) return null;
  const { prepared: p, run: r, params } = fit;
  const last = p.y.length - 1;
  const levelT = r.levels[last]!;
  const trendT = r.trends[last]!;
  const damp = Array.from({ length: horizon + 1 }, (_, h) => dampedSum(params.phi, h));
  const sigma = empiricalScales(fit, horizon, analyticScales(fit, horizon), (t, h) => {
    const actual = p.y[t + h]!;
    return actual - (r.levels[t]! + damp[h]! * r.trends[t]!);
  });
  return withInterval(
    params,
    sigma.map((_, i) => levelT + damp[i + 1]! * trendT),
    sigma,
    options.level ?? 0.9,
  );
}
