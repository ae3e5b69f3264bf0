/*
 * Forecast error metrics (task `forecast`, docs/forecasting.md), as sktime defines them
 * (sktime.performance_metrics.forecasting) and scikit-learn for the pinball loss:
 *
 *   MAE   = mean|y − ŷ|,  RMSE = √mean(y − ŷ)²,
 *   MAPE  = mean(|y − ŷ| / max(|y|, ε))               a FRACTION, ε = float64 machine epsilon,
 *   sMAPE = mean(2|y − ŷ| / max(|y| + |ŷ|, ε))         a fraction in [0, 2],
 *   MASE  = mean(|y − ŷ| / s),  s = mean|y_t − y_{t−m}| over the series' stored actuals
 *           (the in-sample MAE of the seasonal naive forecast with season m; Hyndman & Koehler
 *           2006). Several series: each error is scaled by its own series' s (the mean of the
 *           scaled errors q_t, as Hyndman & Koehler define it), so one series equals sktime's,
 *   bias  = mean(ŷ − y)                                positive: the forecaster over-predicts,
 *   coverage = share of y in [lower, upper],  width = mean(upper − lower),
 *   pinball(α) = mean(α·max(y − q, 0) + (1 − α)·max(q − y, 0))   (sklearn mean_pinball_loss);
 *   an interval at level L has its bounds as the quantiles α = (1 − L)/2 and (1 + L)/2, and
 *   `pinball` is the mean of the two bounds' losses.
 *
 * Every metric is a ratio of sums, so the store sums per (time bucket, horizon, series) and
 * `forecastMetricsFromSums` finishes them; the array functions below go through the same sums,
 * so the reference vectors check the very arithmetic the server uses.
 */

import { detectSeasonality, typicalIntervalMs } from '../timeseries/index.js';

/** ForecastSums are the additive parts of the forecast metrics over a set of forecasts. */
export interface ForecastSums {
  /** n: forecasts with an actual. */
  n: number;
  abs: number;
  sq: number;
  /** err: Σ(ŷ − y). */
  err: number;
  ape: number;
  sape: number;
  /** scaled: Σ|y − ŷ|/s over the nScaled forecasts whose series has a seasonal-naive scale s. */
  scaled: number;
  nScaled: number;
  /** Interval parts over the nInterval forecasts with an interval. */
  nInterval: number;
  covered: number;
  width: number;
  pinball: number;
}

/** ForecastMetrics: null where the sums hold no forecast that the metric needs. */
export interface ForecastMetrics {
  mae: number | null;
  rmse: number | null;
  mape: number | null;
  smape: number | null;
  mase: number | null;
  bias: number | null;
  coverage: number | null;
  width: number | null;
  pinball: number | null;
}

/** FORECAST_METRICS names the metrics a forecast model reports, in order. */
export const FORECAST_METRICS = [
  'mae',
  'rmse',
  'mape',
  'smape',
  'mase',
  'bias',
  'coverage',
  'width',
  'pinball',
] as const satisfies ReadonlyArray<keyof ForecastMetrics>;

const EPS = Number.EPSILON;

/** emptyForecastSums is the zero of the sums. */
export function emptyForecastSums(): ForecastSums {
  return {
    n: 0,
    abs: 0,
    sq: 0,
    err: 0,
    ape: 0,
    sape: 0,
    scaled: 0,
    nScaled: 0,
    nInterval: 0,
    covered: 0,
    width: 0,
    pinball: 0,
  };
}

/** addForecastSums adds b into a (merging is addition: the sums of two sets are their sum). */
export function addForecastSums(a: ForecastSums, b: ForecastSums): ForecastSums {
  for (const k of Object.keys(a) as Array<keyof ForecastSums>) a[k] += b[k];
  return a;
}

/** pinballTerm is one observation's pinball loss at quantile level alpha. */
export function pinballTerm(y: number, q: number, alpha: number): number {
  const d = y - q;
  return d >= 0 ? alpha * d : (alpha - 1) * d;
}

/** intervalPinballTerm: the mean pinball loss of an interval's two bounds as quantiles of level L. */
export function intervalPinballTerm(y: number, lower: number, upper: number, level: number): number {
  return (pinballTerm(y, lower, (1 - level) / 2) + pinballTerm(y, upper, (1 + level) / 2)) / 2;
}

/** ForecastPoint is one forecast with its actual, the interval if any, and its series' scale. */
export interface ForecastPoint {
  y: number;
  yhat: number;
  lower?: number | undefined;
  upper?: number | undefined;
  level?: number | undefined;
  /** scale: the seasonal-naive MAE of the forecast's series (MASE); absent or 0: not scaled. */
  scale?: number | undefined;
}

/** forecastSums sums a list of forecasts. */
export function forecastSums(points: readonly ForecastPoint[]): ForecastSums {
  const s = emptyForecastSums();
  for (const p of points) {
    const e = p.yhat - p.y;
    const a = Math.abs(e);
    s.n += 1;
    s.abs += a;
    s.sq += e * e;
    s.err += e;
    s.ape += a / Math.max(Math.abs(p.y), EPS);
    s.sape += (2 * a) / Math.max(Math.abs(p.y) + Math.abs(p.yhat), EPS);
    if (p.scale !== undefined && p.scale > 0) {
      s.scaled += a / p.scale;
      s.nScaled += 1;
    }
    if (p.lower !== undefined && p.upper !== undefined && p.level !== undefined) {
      s.nInterval += 1;
      s.covered += p.y >= p.lower && p.y <= p.upper ? 1 : 0;
      s.width += p.upper - p.lower;
      s.pinball += intervalPinballTerm(p.y, p.lower, p.upper, p.level);
    }
  }
  return s;
}

/** forecastMetricsFromSums finishes the metrics from their sums. */
export function forecastMetricsFromSums(s: ForecastSums): ForecastMetrics {
  const per = (x: number, n: number) => (n > 0 ? x / n : null);
  return {
    mae: per(s.abs, s.n),
    rmse: s.n > 0 ? Math.sqrt(s.sq / s.n) : null,
    mape: per(s.ape, s.n),
    smape: per(s.sape, s.n),
    mase: per(s.scaled, s.nScaled),
    bias: per(s.err, s.n),
    coverage: per(s.covered, s.nInterval),
    width: per(s.width, s.nInterval),
    pinball: per(s.pinball, s.nInterval),
  };
}

/**
 * seasonalNaiveScale is the in-sample MAE of the seasonal naive forecast ŷ_t = y_{t−m} over a
 * regular series (sktime's MASE denominator, floored at ε); NaN when the series is not longer
 * than m.
 *
 * @example seasonalNaiveScale([1, 2, 3, 5], 1) // (1 + 1 + 2) / 3
 */
export function seasonalNaiveScale(y: ArrayLike<number>, m: number): number {
  if (!Number.isInteger(m) || m < 1) throw new RangeError('season m must be a positive integer');
  if (y.length <= m) return Number.NaN;
  let sum = 0;
  for (let t = m; t < y.length; t++) sum += Math.abs(y[t]! - y[t - m]!);
  return Math.max(sum / (y.length - m), EPS);
}

/**
 * seasonalNaiveScaleAt is seasonalNaiveScale over a series observed at times (epoch ms) that may
 * have gaps: the pairs are (y(t), y(t − lagMs)) for every t whose lagged time was observed too.
 * NaN when no pair exists. On a regular series with lagMs = m steps it equals seasonalNaiveScale.
 */
export function seasonalNaiveScaleAt(times: ArrayLike<number>, y: ArrayLike<number>, lagMs: number): number {
  const at = new Map<number, number>();
  for (let i = 0; i < times.length; i++) at.set(times[i]!, y[i]!);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < times.length; i++) {
    const before = at.get(times[i]! - lagMs);
    if (before === undefined) continue;
    sum += Math.abs(y[i]! - before);
    n += 1;
  }
  return n === 0 ? Number.NaN : Math.max(sum / n, EPS);
}

/** Single-series conveniences over the same sums (reference-checked, see forecast.test.ts). */
const pointsOf = (y: ArrayLike<number>, yhat: ArrayLike<number>): ForecastPoint[] => {
  if (y.length !== yhat.length) throw new RangeError('y and yhat differ in length');
  return Array.from({ length: y.length }, (_, i) => ({ y: y[i]!, yhat: yhat[i]! }));
};
const nanIfNull = (v: number | null) => v ?? Number.NaN;

export const forecastMae = (y: ArrayLike<number>, yhat: ArrayLike<number>) =>
  nanIfNull(forecastMetricsFromSums(forecastSums(pointsOf(y, yhat))).mae);
export const forecastRmse = (y: ArrayLike<number>, yhat: ArrayLike<number>) =>
  nanIfNull(forecastMetricsFromSums(forecastSums(pointsOf(y, yhat))).rmse);
export const forecastMape = (y: ArrayLike<number>, yhat: ArrayLike<number>) =>
  nanIfNull(forecastMetricsFromSums(forecastSums(pointsOf(y, yhat))).mape);
export const forecastSmape = (y: ArrayLike<number>, yhat: ArrayLike<number>) =>
  nanIfNull(forecastMetricsFromSums(forecastSums(pointsOf(y, yhat))).smape);
export const forecastBias = (y: ArrayLike<number>, yhat: ArrayLike<number>) =>
  nanIfNull(forecastMetricsFromSums(forecastSums(pointsOf(y, yhat))).bias);

/** forecastMase: MASE of ŷ against y, scaled by the seasonal naive MAE of yTrain with season m. */
export function forecastMase(
  y: ArrayLike<number>,
  yhat: ArrayLike<number>,
  yTrain: ArrayLike<number>,
  m: number,
): number {
  const scale = seasonalNaiveScale(yTrain, m);
  const points = pointsOf(y, yhat).map((p) => ({ ...p, scale }));
  return nanIfNull(forecastMetricsFromSums(forecastSums(points)).mase);
}

/** meanPinballLoss: sklearn's mean_pinball_loss(y, q, alpha=α). */
export function meanPinballLoss(y: ArrayLike<number>, q: ArrayLike<number>, alpha: number): number {
  if (y.length !== q.length) throw new RangeError('y and q differ in length');
  if (y.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += pinballTerm(y[i]!, q[i]!, alpha);
  return s / y.length;
}

/** intervalMetrics: coverage, width and interval pinball of bounds at one level. */
export function intervalMetrics(
  y: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  level: number,
): { coverage: number; width: number; pinball: number } {
  const points = Array.from({ length: y.length }, (_, i) => ({
    y: y[i]!,
    yhat: (lower[i]! + upper[i]!) / 2,
    lower: lower[i]!,
    upper: upper[i]!,
    level,
  }));
  const m = forecastMetricsFromSums(forecastSums(points));
  return { coverage: nanIfNull(m.coverage), width: nanIfNull(m.width), pinball: nanIfNull(m.pinball) };
}

/** SeasonLag is the lag of the seasonal naive forecast MASE scales by, and where it came from. */
export interface SeasonLag {
  lagMs: number;
  source: 'declared' | 'detected' | 'naive';
}

/**
 * seasonLagOf picks the seasonal naive lag of a series observed at `times` (ascending): the
 * declared one when given (a duration in ms, or steps of the series' typical interval), else the
 * shortest cycle detectSeasonality finds (daily before weekly), else one step (the naive
 * forecast, m = 1). NaN lag when the series has fewer than two points and nothing is declared.
 */
export function seasonLagOf(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  declared?: { ms: number } | { steps: number },
): SeasonLag {
  const step = typicalIntervalMs(times);
  if (declared !== undefined)
    return { lagMs: 'ms' in declared ? declared.ms : declared.steps * step, source: 'declared' };
  const s = detectSeasonality(times, values);
  const shortest = [...s.periodsMs].sort((a, b) => a - b)[0];
  if (shortest !== undefined && Number.isFinite(step) && shortest >= 2 * step)
    return { lagMs: Math.round(shortest / step) * step, source: 'detected' };
  return { lagMs: step, source: 'naive' };
}
