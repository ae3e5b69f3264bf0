/*
 * Hellinger distance between two discrete distributions over the same bins:
 *
 *   H(p, q) = ‖√p − √q‖₂ / √2 = √(1 − Σ_i √(p_i q_i)),   p, q normalised to sum 1, H ∈ [0, 1]
 *
 * (reference vectors conventions.hellinger; Evidently and NannyML use the same formula).
 * Computed in the L2 form, which stays accurate for nearly identical inputs where 1 − Σ√(pq)
 * cancels; the two forms agree to ~1e-15 on the reference vectors.
 *
 * Epsilon: none needed; empty bins contribute √p_i² or √q_i² as they should.
 */
import { assertCounts, assertSameLength, sumOf } from './sample.js';

/**
 * hellingerDistance returns H(p, q) from counts or proportions; NaN when either side sums to 0.
 *
 * @example
 * hellingerDistance([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7]); // 1
 */
export function hellingerDistance(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  assertSameLength(reference, current, 'reference', 'current');
  assertCounts(reference, 'reference');
  assertCounts(current, 'current');
  const sp = sumOf(reference);
  const sq = sumOf(current);
  if (!(sp > 0 && sq > 0)) return Number.NaN;
  let ss = 0;
  // i < reference.length = current.length bounds every index.
  for (let i = 0; i < reference.length; i++) {
    const d = Math.sqrt(reference[i]! / sp) - Math.sqrt(current[i]! / sq);
    ss += d * d;
  }
  return Math.min(1, Math.sqrt(ss / 2));
}
