// Generalized ESD test for up to r outliers (Rosner 1983, "Percentage points for a generalized ESD
// many-outlier procedure", Technometrics 25(2)), in the robust form of seasonal hybrid ESD (Hochenbaum,
// Vallis & Kejariwal 2017, "Automatic Anomaly Detection in the Cloud Via Statistical Learning",
// arXiv:1704.07706; Twitter's AnomalyDetection package): the median and the MAD replace the mean and
// standard deviation, so the outliers being tested do not mask each other. The MAD is floored as in
// robustScaleInPlace, because many real series repeat a value more than half the time.

import { studentTQuantile } from './quantiles.js';
import { robustScaleInPlace } from './robust.js';

/**
 * esdCriticalValue is Rosner's λ for the i-th test (1-based) among n values at significance α:
 * λ = (n-i)·t / √((n-i-1+t²)(n-i+1)) with t the 1 - α/(2(n-i+1)) quantile of t(n-i-1).
 *
 * @example esdCriticalValue(100, 1, 0.05) // ≈ 3.38
 */
export function esdCriticalValue(n: number, i: number, alpha: number): number {
  const m = n - i + 1;
  if (m < 3) return Number.POSITIVE_INFINITY;
  const t = studentTQuantile(1 - alpha / (2 * m), m - 2);
  return ((m - 1) * t) / Math.sqrt((m - 2 + t * t) * m);
}

/** EsdOptions bound the test. */
export interface EsdOptions {
  /** maxOutliers: the most outliers to look for (Rosner's r). */
  readonly maxOutliers: number;
  /** alpha: significance level of each test. */
  readonly alpha: number;
}

/**
 * generalizedEsd returns the indices of the outliers the robust generalized ESD test finds among
 * `values`, most extreme first. NaN values are ignored.
 *
 * @example generalizedEsd([10, 11, 9, 10, 12, 10, 9, 11, 10, 50], { maxOutliers: 2, alpha: 0.05 }) // [9]
 */
export function generalizedEsd(values: ArrayLike<number>, options: EsdOptions): number[] {
  const index: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] ?? Number.NaN)) index.push(i);
  const n = index.length;
  const removed = new Set<number>();
  const scratch = new Float64Array(n);
  const candidates: number[] = [];
  let found = 0;
  for (let step = 1; step <= Math.min(options.maxOutliers, n - 3); step++) {
    let m = 0;
    for (const i of index) if (!removed.has(i)) scratch[m++] = values[i] ?? 0;
    const { center, sigma } = robustScaleInPlace(scratch, m);
    let worst = -1;
    let worstDev = -1;
    for (const i of index) {
      if (removed.has(i)) continue;
      const dev = Math.abs((values[i] ?? 0) - center);
      if (dev > worstDev) {
        worstDev = dev;
        worst = i;
      }
    }
    if (worst < 0) break;
    const statistic = sigma > 0 ? worstDev / sigma : worstDev > 0 ? Number.POSITIVE_INFINITY : 0;
    removed.add(worst);
    candidates.push(worst);
    // Rosner: the number of outliers is the largest step whose statistic exceeds its critical value.
    if (statistic > esdCriticalValue(n, step, options.alpha)) found = step;
  }
  return candidates.slice(0, found);
}
