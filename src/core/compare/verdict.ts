/*
 * The verdict of a comparison at level α, given which direction of the metric is better:
 * `better` or `worse` when p < α (the sign of candidate − reference decides which), otherwise
 * `no_detectable_difference`. An undefined test has no verdict other than
 * `no_detectable_difference`. No epsilon.
 */

/** Verdict is the outcome of comparing a candidate with a reference. */
export type Verdict = 'better' | 'worse' | 'no_detectable_difference';

/**
 * verdictOf decides better / worse / no_detectable_difference.
 *
 * @example
 * verdictOf(0.02, 0.001, true); // 'better'
 * verdictOf(0.02, 0.001, false); // 'worse' (an error metric went up)
 */
export function verdictOf(
  difference: number,
  pValue: number,
  higherIsBetter: boolean,
  alpha = 0.05,
): Verdict {
  if (!(pValue < alpha) || difference === 0 || Number.isNaN(difference)) return 'no_detectable_difference';
  return difference > 0 === higherIsBetter ? 'better' : 'worse';
}
