// Change-point location and re-baselining for level and trend shifts. A shift is first suspected by the
// detector from the median of its recent residuals; this module then (1) locates where it began with the
// CUSUM estimator of a mean change, the argmax over j of Σ_{i≤j} (d·r_i − δ/2) scanning back from the
// newest residual (Page 1954, "Continuous inspection schemes", Biometrika 41; Hinkley 1971,
// "Inference about the change-point from cumulative sum tests", Biometrika 58), and (2) fits the new
// regime on the points since then with the Theil–Sen line (Sen 1968, "Estimates of the regression
// coefficient based on Kendall's tau", JASA 63), robust to the spikes that often ride on a shift.
// A slope that carries the segment further than `trendSigmas`·σ makes it a trend shift.
import { medianInPlace } from './robust.js';

/** ChangeKind says whether a regime moved its level or started a slope. */
export type ChangeKind = 'level' | 'trend';

/**
 * locateChange returns how many of the newest residuals belong to the new regime, given residuals
 * newest first (`residuals[0]` is the newest) and the shift's signed size δ. At least 1.
 *
 * @example locateChange(Float64Array.from([5, 5, 5, 0, 0, 0]), 6, 5) // 3
 */
export function locateChange(residuals: Float64Array, count: number, delta: number): number {
  const direction = Math.sign(delta) || 1;
  const half = Math.abs(delta) / 2;
  let sum = 0;
  let best = Number.NEGATIVE_INFINITY;
  let bestLength = 1;
  for (let i = 0; i < count; i++) {
    // i < count ≤ residuals.length.
    sum += direction * residuals[i]! - half;
    if (sum > best) {
      best = sum;
      bestLength = i + 1;
    }
  }
  return bestLength;
}

/** RegimeFit is the new regime at the newest point: its level, slope per point, and kind. */
export interface RegimeFit {
  readonly level: number;
  readonly slope: number;
  readonly kind: ChangeKind;
}

/**
 * fitRegime fits the newest `count` values (newest first, e.g. deseasonalised observations) with a
 * Theil–Sen line and returns its value at the newest point. The slope is kept only when it moves the
 * segment by at least `trendSigmas`·σ over its length; otherwise the level is the segment's median.
 *
 * @example fitRegime(Float64Array.from([10, 10, 10, 10]), 4, 1, 3) // { level: 10, slope: 0, kind: 'level' }
 */
export function fitRegime(
  values: Float64Array,
  count: number,
  sigma: number,
  trendSigmas: number,
): RegimeFit {
  const n = Math.min(count, values.length);
  const scratch = new Float64Array(Math.max(1, (n * (n - 1)) / 2));
  if (n >= 8) {
    let m = 0;
    // Points are at x = -i (newest at 0), so the slope per step forward is (v_j - v_i)/(i - j) for j < i.
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) scratch[m++] = (values[j]! - values[i]!) / (i - j);
    }
    const slope = medianInPlace(scratch, m);
    if (Math.abs(slope) * (n - 1) >= trendSigmas * sigma) {
      for (let i = 0; i < n; i++) scratch[i] = values[i]! + slope * i;
      return { level: medianInPlace(scratch, n), slope, kind: 'trend' };
    }
  }
  for (let i = 0; i < n; i++) scratch[i] = values[i]!;
  return { level: medianInPlace(scratch, n), slope: 0, kind: 'level' };
}
