/*
 * Confidence bands of label-free estimates: value ± z·se, with z = Φ⁻¹(1 − (1 − level)/2)
 * (normal approximation; the standard errors come from the delta method in each estimator),
 * clipped to the metric's range. NaN value or NaN se gives a NaN band.
 */
import { normalQuantile } from '../timeseries/index.js';

/** EstimatedMetric is an estimate with its standard error and band. */
export interface EstimatedMetric {
  readonly value: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
}

/** DEFAULT_LEVEL is the nominal coverage of estimation bands. */
export const DEFAULT_LEVEL = 0.95;

/**
 * zForLevel is the two-sided normal critical value of a coverage level in (0, 1).
 *
 * @example
 * zForLevel(0.95); // 1.959963…
 */
export function zForLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return normalQuantile(1 - (1 - level) / 2);
}

/**
 * band builds an EstimatedMetric from a value and a variance.
 *
 * @example
 * band(0.8, 0.0001, 1.96).lower; // 0.7804
 */
export function band(value: number, variance: number, z: number, min = 0, max = 1): EstimatedMetric {
  const se = Math.sqrt(Math.max(0, variance));
  if (Number.isNaN(value) || Number.isNaN(se)) {
    return { value, se: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  }
  return {
    value,
    se,
    lower: Math.min(max, Math.max(min, value - z * se)),
    upper: Math.min(max, Math.max(min, value + z * se)),
  };
}
