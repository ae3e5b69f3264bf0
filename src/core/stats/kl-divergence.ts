/*
 * Kullback–Leibler divergence of the current distribution from the reference one:
 *
 *   KL(ref ‖ cur) = Σ_i p_i · ln(p_i / q_i),  p = reference proportions, q = current proportions
 *
 * in nats. This is what Evidently's `kl_div` drift method computes (scipy.stats.entropy(ref,
 * cur)): each proportion of exactly 0 is replaced by eps, and then scipy.stats.entropy
 * renormalises both vectors to sum 1. Kullback & Leibler (1951), Ann. Math. Statist. 22(1).
 *
 * Epsilon: eps = 1e-4 (KL_EPS, the same constant as the PSI floor) replaces empty bins, since
 * KL is infinite whenever q_i = 0 < p_i. The value depends on eps for such bins; pass
 * `{ eps }` to change it. KL is not symmetric and not bounded; prefer JS for thresholds.
 */
import { assertCounts, assertSameLength, proportionsOf } from './sample.js';

/** KL_EPS replaces zero proportions before the divergence. */
export const KL_EPS = 1e-4;

/** KlOptions configures the empty-bin epsilon. */
export interface KlOptions {
  readonly eps?: number;
}

function floored(counts: ArrayLike<number>, eps: number): Float64Array {
  const p = proportionsOf(counts).map((x) => (x === 0 ? eps : x));
  let total = 0;
  for (const x of p) total += x;
  return p.map((x) => x / total);
}

/**
 * klDivergence returns KL(reference ‖ current) over shared bins from counts or proportions;
 * NaN when either side sums to 0.
 *
 * @example
 * klDivergence([0.5, 0.5], [0.25, 0.75]); // 0.5·ln 2 + 0.5·ln(2/3) ≈ 0.1438
 */
export function klDivergence(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: KlOptions = {},
): number {
  assertSameLength(referenceCounts, currentCounts, 'reference', 'current');
  assertCounts(referenceCounts, 'reference');
  assertCounts(currentCounts, 'current');
  const eps = options.eps ?? KL_EPS;
  const p = floored(referenceCounts, eps);
  const q = floored(currentCounts, eps);
  let kl = 0;
  // i < p.length = q.length bounds every index.
  for (let i = 0; i < p.length; i++) kl += p[i]! * Math.log(p[i]! / q[i]!);
  return Math.max(0, kl);
}
