/*
 * breachForecast: will a monitored metric cross its threshold within the horizon?
 *
 * The series is forecast by robust damped-trend Holt (holt.ts), or, for a trailing-window metric
 * given as per-bucket values, by the window forecast (window.ts). Each step h has a Gaussian
 * predictive N(μ_h, σ_h²), so P(breach at h) = Φ((v − μ_h)/σ_h) for '<'/'<=' and
 * 1 − Φ((v − μ_h)/σ_h) for '>'/'>=' (the two are equal for a continuous predictive).
 * `probability` is the largest of these over the horizon: forecast errors of neighbouring
 * steps are strongly positively correlated (they share the level and trend errors), and for
 * perfectly correlated errors P(any breach) equals the per-step maximum; for weaker
 * correlation it is a lower bound, which errs toward fewer warnings.
 * `predicted_breach_index` is the first index (0-based; index i is i + 1 steps after the last
 * point) at which the expected value itself crosses, i.e. P(breach at that step) ≥ ½.
 * Φ(x) = ½·erfc(−x/√2) (stdlib erfc). With fewer than 3 observations nothing is forecast:
 * probability NaN, empty arrays, index null.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { forecastHolt, type HoltOptions, type HoltParams } from './holt.js';
import { forecastWindow, type WindowSpec } from './window.js';

/** BreachThreshold is the condition that counts as a breach. */
export interface BreachThreshold {
  readonly op: '<' | '<=' | '>' | '>=';
  readonly value: number;
}

/** BreachForecastOptions adds the window of a trailing-window metric to the Holt options. */
export interface BreachForecastOptions extends HoltOptions {
  /**
   * When set, `series` holds per-bucket values and the monitored value is their weighted mean
   * over the last `window.steps` buckets (see window.ts); otherwise `series` is the monitored
   * value itself.
   */
  readonly window?: WindowSpec | undefined;
  /**
   * Spread of the thresholded quantity around the forecast one, added in quadrature to every
   * step's σ. When the series is a label-free estimate and the threshold is about the realised
   * metric, pass the estimate's standard error: the realised value will differ from the
   * estimate by about that much, which makes a near-miss of the estimate a likely breach. Default 0.
   */
  readonly noiseSigma?: number | undefined;
}

/** BreachForecastResult is the breach outlook over the horizon, in the API's field names. */
export interface BreachForecastResult {
  /** P(the metric breaches at some step within the horizon), per the file comment. */
  readonly probability: number;
  /** First index whose expected value breaches, or null. */
  readonly predicted_breach_index: number | null;
  readonly expected: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** Parameters used; pass them back as options.params to skip the grid on the next call. */
  readonly params: HoltParams | null;
}

const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

function breaches(op: BreachThreshold['op'], x: number, v: number): boolean {
  switch (op) {
    case '<':
      return x < v;
    case '<=':
      return x <= v;
    case '>':
      return x > v;
    case '>=':
      return x >= v;
  }
}

/**
 * breachForecast forecasts `horizonSteps` steps and reports the chance and the step of a
 * threshold breach.
 *
 * @example
 * const declining = Array.from({ length: 30 }, (_, i) => 0.95 - 0.005 * i); // last point 0.805
 * breachForecast(declining, { op: '<', value: 0.78 }, 12).predicted_breach_index; // 5 (6 steps on)
 */
export function breachForecast(
  series: ArrayLike<number | null>,
  threshold: BreachThreshold,
  horizonSteps: number,
  options: BreachForecastOptions = {},
): BreachForecastResult {
  const f =
    options.window === undefined
      ? forecastHolt(series, horizonSteps, options)
      : forecastWindow(series, horizonSteps, options.window, options);
  if (f === null) {
    return {
      probability: Number.NaN,
      predicted_breach_index: null,
      expected: [],
      lower: [],
      upper: [],
      params: null,
    };
  }
  const noise = options.noiseSigma ?? 0;
  if (!(noise >= 0)) throw new RangeError(`noiseSigma must be ≥ 0, got ${noise}`);
  const below = threshold.op === '<' || threshold.op === '<=';
  let probability = 0;
  let index: number | null = null;
  f.expected.forEach((mu, i) => {
    const sigma = Math.sqrt(f.sigma[i]! ** 2 + noise * noise);
    const zScore = (threshold.value - mu) / sigma;
    const p = below ? normalCdf(zScore) : 1 - normalCdf(zScore);
    probability = Math.max(probability, p);
    if (index === null && breaches(threshold.op, mu, threshold.value)) index = i;
  });
  return {
    probability,
    predicted_breach_index: index,
    expected: f.expected,
    lower: f.lower,
    upper: f.upper,
    params: f.params,
  };
}
