/*
 * Forecast of a trailing-window metric from its per-bucket values.
 *
 * A monitor usually watches a metric over a trailing window (accuracy over the last day,
 * evaluated hourly). Forecasting that window series directly is slow to notice a change: the
 * window still holds a day of old, healthy buckets, and its overlap makes the series smooth, so
 * a trend fit on it mostly sees yesterday. We forecast the buckets instead and re-aggregate: at
 * origin t, the window value h steps ahead is
 *   V̂(t, h) = (Σ_{known i in window} w_i y_i + w̄ Σ_{future k in window} ŷ_{t+k|t}) / (Σ w_i + w̄·m),
 * where ŷ is the robust damped-trend Holt forecast of the bucket series (holt.ts), w are the
 * bucket weights (row counts; gaps weigh 0), w̄ the mean weight of the observed buckets in the
 * last window, and m the number of future buckets inside the window at h. So the forecast
 * "knows" which old buckets leave the window, and a shift in the latest buckets shows up as a
 * predicted window breach within about a window length. For a mean-like metric (accuracy = the
 * count-weighted mean of bucket accuracies) this is the exact composition of the window.
 * Intervals: σ_h is the robust scale of the in-sample errors V(t + h) − V̂(t, h) over origins
 * whose target window lies inside the data (empiricalScales); without enough of them, the
 * bucket formula scaled by the future share of the window, w̄·m / (Σ w + w̄·m), summing the
 * future buckets' scales as if perfectly correlated (their errors share the level and trend).
 */
import { fitHolt, type HoltForecast, type HoltOptions } from './holt.js';
import { analyticScales, dampedSum, empiricalScales, withInterval } from './intervals.js';

/** WindowSpec says that the monitored value is the weighted mean of the last `steps` buckets. */
export interface WindowSpec {
  readonly steps: number;
  /** Weight of each bucket (e.g. its row count), aligned with the series. Default 1 each. */
  readonly weights?: ArrayLike<number | null> | undefined;
}

/**
 * forecastWindow forecasts the trailing-window value for steps 1…horizon from per-bucket values
 * (null or NaN: a gap). Null with fewer than 3 observed buckets.
 *
 * @example
 * // 48 healthy hours at 0.85, then 6 at 0.70: the 24 h window is still ≈ 0.81, but will sink to 0.70.
 * const buckets = [...Array(48).fill(0.85), ...Array(6).fill(0.7)];
 * forecastWindow(buckets, 24, { steps: 24 }, { params: { alpha: 0.8, beta: 0.02, phi: 0.9 } })?.expected[23]; // ≈ 0.70
 */
export function forecastWindow(
  series: ArrayLike<number | null>,
  horizon: number,
  window: WindowSpec,
  options: HoltOptions = {},
): HoltForecast | null {
  const steps = window.steps;
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new RangeError(`window steps must be a positive integer, got ${steps}`);
  if (window.weights !== undefined && window.weights.length !== series.length) {
    throw new RangeError(`weights (${window.weights.length}) and series (${series.length}) differ in length`);
  }
  const fit = fitHolt(series, horizon, options);
  if (fit === null) return null;
  const { prepared: p, run: r, params } = fit;
  const n = p.y.length;
  // Prefix sums of w and w·y make every window sum O(1).
  const sw = new Float64Array(n + 1);
  const swy = new Float64Array(n + 1);
  const weightOf = (i: number): number => {
    const w = window.weights === undefined ? 1 : (window.weights[i] ?? 0);
    return Number.isNaN(p.y[i]!) || !(w > 0) ? 0 : w;
  };
  for (let i = 0; i < n; i++) {
    const w = weightOf(i);
    sw[i + 1] = sw[i]! + w;
    swy[i + 1] = swy[i]! + (w > 0 ? w * p.y[i]! : 0);
  }
  // cumDamp[k] = Σ_{j=1..k} dampedSum(φ, j): the trend's total contribution to k future buckets.
  const cumDamp = new Float64Array(horizon + 1);
  for (let k = 1; k <= horizon; k++) cumDamp[k] = cumDamp[k - 1]! + dampedSum(params.phi, k);
  const meanWeight = (t: number): number => {
    let total = 0;
    let count = 0;
    for (let i = Math.max(0, t - steps + 1); i <= t; i++) {
      const w = weightOf(i);
      if (w > 0) {
        total += w;
        count++;
      }
    }
    return count > 0 ? total / count : 1;
  };
  const weights = Float64Array.from({ length: n }, (_, t) => meanWeight(t));
  const forecastAt = (t: number, h: number): number => {
    const from = Math.max(0, t + h - steps + 1);
    const known = from <= t ? swy[t + 1]! - swy[from]! : 0;
    const knownWeight = from <= t ? sw[t + 1]! - sw[from]! : 0;
    const firstFuture = Math.max(1, h - steps + 1);
    const m = h - firstFuture + 1;
    const future = m * r.levels[t]! + (cumDamp[h]! - cumDamp[firstFuture - 1]!) * r.trends[t]!;
    const w = weights[t]!;
    return (known + w * future) / (knownWeight + w * m);
  };
  const actualAt = (end: number): number => {
    const from = end - steps + 1;
    if (from < 0 || end >= n) return Number.NaN;
    const w = sw[end + 1]! - sw[from]!;
    return w > 0 ? (swy[end + 1]! - swy[from]!) / w : Number.NaN;
  };
  const last = n - 1;
  const bucketScales = analyticScales(fit, horizon);
  const analytic = bucketScales.map((_, i) => {
    const h = i + 1;
    const firstFuture = Math.max(1, h - steps + 1);
    const from = Math.max(0, last + h - steps + 1);
    const knownWeight = from <= last ? sw[last + 1]! - sw[from]! : 0;
    const w = weights[last]!;
    let sum = 0;
    for (let k = firstFuture; k <= h; k++) sum += bucketScales[k - 1]!;
    return (w * sum) / (knownWeight + w * (h - firstFuture + 1));
  });
  const sigma = empiricalScales(fit, horizon, analytic, (t, h) => actualAt(t + h) - forecastAt(t, h));
  return withInterval(
    params,
    analytic.map((_, i) => forecastAt(last, i + 1)),
    sigma,
    options.level ?? 0.9,
  );
}
