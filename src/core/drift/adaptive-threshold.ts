/*
 * Adaptive thresholds, NannyML-style: learn how much a drift statistic moves when nothing has
 * changed, from the baseline itself, and alarm only outside that range.
 *
 * Procedure: split the baseline into K chunks of about the size of the windows you will monitor
 * (e.g. one per day), compare each chunk with the whole baseline with the same method
 * (chunkStatistics), and set
 *   rule 'std'      (default): threshold = mean + k·s of the K chunk statistics, k = 3 as NannyML's
 *                   StandardDeviationThreshold; s is the sample standard deviation (ddof 1, not
 *                   NannyML's ddof 0: with a dozen chunks ddof 0 understates the spread by ~4%);
 *   rule 'quantile':  threshold = the q-quantile of the chunk statistics (type 7), default q = 0.99;
 * then clamp to [min, max] (defaults 0 and +∞). A window drifts when its statistic is strictly
 * above the threshold (NannyML alerts on value > upper threshold too), so a constant feature whose
 * chunks all score 0 alarms on any difference and not on none.
 *
 * Why: at 10^7 rows a feature with ordinary day-to-day wobble has KS p-values of 0 every day and a
 * fixed distance threshold is either blind or noisy depending on the feature. The chunk statistics
 * contain exactly that wobble (sampling noise plus real seasonality), so the threshold sits just
 * above normal (adaptive-threshold.test.ts: 10^7 baseline rows, no alarm on a stable day, alarm on
 * a 0.2σ shift).
 *
 * The verdict uses the method's statistic, also for p-value methods (KS D, |z|, χ², the AD T):
 * a p-value says nothing at this size. Caveats: chunks compared with a baseline that contains them
 * score a little low (by about the chunk's share of the baseline), and a statistic whose scale
 * depends on n (χ², |z|) must be learned on chunks of the monitored window's size.
 */
import { quantileSorted } from '../stats/index.js';
import type { FeatureSummary } from './feature-summary.js';
import type { MeasureOptions } from './measures.js';
import { measuresOf } from './measures.js';
import { type DriftMethodName, driftMethods } from './methods.js';

/** AdaptiveThresholdOptions configure how the threshold is learned. */
export interface AdaptiveThresholdOptions {
  /** Default 'std'. */
  readonly rule?: 'std' | 'quantile';
  /** Standard deviations above the mean for rule 'std'. Default 3. */
  readonly k?: number;
  /** Quantile of the chunk statistics for rule 'quantile'. Default 0.99. */
  readonly quantile?: number;
  /** Clamp: the threshold is at least `min` (default 0) and at most `max` (default +∞). */
  readonly min?: number;
  readonly max?: number;
  /** Fewest defined chunk statistics accepted. Default 5. */
  readonly minChunks?: number;
}

/** AdaptiveThreshold is a learned threshold on a method's statistic. */
export interface AdaptiveThreshold {
  readonly method: DriftMethodName;
  readonly threshold: number;
  readonly rule: 'std' | 'quantile';
  readonly chunks: number;
  readonly mean: number;
  readonly std: number;
  readonly clamped: 'min' | 'max' | null;
}

/**
 * adaptiveStatistic maps a method result to the statistic adaptive thresholds compare: the
 * statistic itself, or |z| for the signed z-test; null when undefined.
 *
 * @example
 * adaptiveStatistic('z', { statistic: -2.5 }); // 2.5
 */
export function adaptiveStatistic(
  method: DriftMethodName,
  result: { readonly statistic: number | null },
): number | null {
  const s = result.statistic;
  if (s === null || Number.isNaN(s)) return null;
  return method === 'z' ? Math.abs(s) : s;
}

/**
 * chunkStatistics evaluates `method` on each baseline-vs-chunk comparison and returns the
 * defined statistics (in adaptiveStatistic's sense).
 *
 * @example
 * chunkStatistics('ks', days.map((day) => numericSummaryFromValueCounts(baseline, day)));
 */
export function chunkStatistics(
  method: DriftMethodName,
  comparisons: readonly FeatureSummary[],
  options: MeasureOptions = {},
): number[] {
  const out: number[] = [];
  for (const feature of comparisons) {
    const s = adaptiveStatistic(
      method,
      driftMethods[method].evaluate(feature, undefined, measuresOf(feature, options)),
    );
    if (s !== null) out.push(s);
  }
  return out;
}

/**
 * adaptiveThreshold learns a threshold from chunk statistics (NaN/null ignored). Throws a
 * RangeError when fewer than `minChunks` are defined.
 *
 * @example
 * adaptiveThreshold('js', [0.02, 0.03, 0.025, 0.02, 0.035]).threshold; // mean + 3·s ≈ 0.0455
 */
export function adaptiveThreshold(
  method: DriftMethodName,
  statistics: ReadonlyArray<number | null>,
  options: AdaptiveThresholdOptions = {},
): AdaptiveThreshold {
  const values = statistics.filter((x): x is number => x !== null && Number.isFinite(x));
  const minChunks = options.minChunks ?? 5;
  if (values.length < Math.max(2, minChunks)) {
    throw new RangeError(
      `adaptive threshold needs ≥ ${Math.max(2, minChunks)} chunk statistics, got ${values.length}`,
    );
  }
  const rule = options.rule ?? 'std';
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1));
  let threshold: number;
  if (rule === 'std') threshold = mean + (options.k ?? 3) * std;
  else {
    const q = options.quantile ?? 0.99;
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
    threshold = quantileSorted(Float64Array.from(values).sort(), q);
  }
  const min = options.min ?? 0;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  let clamped: AdaptiveThreshold['clamped'] = null;
  if (threshold < min) [threshold, clamped] = [min, 'min'];
  else if (threshold > max) [threshold, clamped] = [max, 'max'];
  return { method, threshold, rule, chunks: values.length, mean, std, clamped };
}

/**
 * learnAdaptiveThreshold is chunkStatistics followed by adaptiveThreshold.
 *
 * @example
 * const learned = learnAdaptiveThreshold('ks', dailyComparisons);
 * evaluateFeatureDrift('amount', today, { features: { amount: { adaptive: learned } } });
 */
export function learnAdaptiveThreshold(
  method: DriftMethodName,
  comparisons: readonly FeatureSummary[],
  options: AdaptiveThresholdOptions & MeasureOptions = {},
): AdaptiveThreshold {
  return adaptiveThreshold(method, chunkStatistics(method, comparisons, options), options);
}
