/*
 * The shape every comparison test in core/compare returns, and the normal quantiles they share.
 *
 * A comparison is always candidate − reference: a positive difference means the candidate's
 * metric is larger (better when higher is better, worse for errors and losses). `ci` is the
 * two-sided interval at the test's level (95% unless an option says otherwise).
 *
 * No formula: Z_975 is Φ⁻¹(0.975) to double precision (scipy.stats.norm.ppf(0.975)).
 */
import type { TestResult } from '../stats/index.js';

/** Z_975 is the 97.5% standard normal quantile, 1.959963984540054. */
export const Z_975 = 1.959963984540054;

/** ComparisonFields are the values of a defined comparison of two models on one metric. */
export interface ComparisonFields {
  /** candidate − reference. */
  readonly difference: number;
  /** Standard error of the difference (a bootstrap's standard deviation for resampling tests). */
  readonly standardError: number;
  readonly ci: readonly [number, number];
  readonly pValue: number;
  /** The test's statistic (z, χ², DM, …); NaN for resampling tests that have none. */
  readonly statistic: number;
  readonly test: string;
}

/** ComparisonResult is a comparison or why it is undefined. */
export type ComparisonResult = TestResult<ComparisonFields>;
