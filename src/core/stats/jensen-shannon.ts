/*
 * Jensen–Shannon distance, as scipy.spatial.distance.jensenshannon (scipy 1.10):
 *
 *   p ← p/Σp, q ← q/Σq, m = (p + q)/2,
 *   JSD = (KL(p‖m) + KL(q‖m)) / 2 / ln(base),   distance = √JSD
 *
 * Lin (1991), "Divergence measures based on the Shannon entropy", IEEE Trans. Inf. Theory 37(1);
 * Endres & Schindelin (2003) for √JSD being a metric. Base 2 bounds the distance in [0, 1];
 * natural log bounds it by √(ln 2) ≈ 0.8326.
 *
 * Epsilon: none. 0·ln(0/m) = 0 (scipy rel_entr), and m_i > 0 whenever p_i > 0 or q_i > 0, so
 * empty bins need no floor. p/m is evaluated as 2p/(p + q) so that subnormal shares cannot
 * underflow m to 0 (found by the triangle-inequality property test). A rounding-negative JSD (identical inputs) is clamped to 0 before
 * the square root.
 */
import { assertCounts, assertSameLength, sumOf } from './sample.js';

/** JsBase is the logarithm base: 2 (default, range [0, 1]) or 'e' (natural). */
export type JsBase = 2 | 'e';

/** JsOptions configures the logarithm base. */
export interface JsOptions {
  readonly base?: JsBase;
}

/**
 * jensenShannonDivergence returns JSD (the squared distance) of two count or probability
 * vectors over the same bins; NaN when either side sums to 0.
 *
 * @example
 * jensenShannonDivergence([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7]); // 1 (disjoint, base 2)
 */
export function jensenShannonDivergence(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: JsOptions = {},
): number {
  assertSameLength(reference, current, 'reference', 'current');
  assertCounts(reference, 'reference');
  assertCounts(current, 'current');
  const sp = sumOf(reference);
  const sq = sumOf(current);
  if (!(sp > 0 && sq > 0)) return Number.NaN;
  let left = 0;
  let right = 0;
  // i < reference.length = current.length bounds every index.
  for (let i = 0; i < reference.length; i++) {
    const p = reference[i]! / sp;
    const q = current[i]! / sq;
    // p/m written as 2p/(p + q): the same float64 value (halving and doubling are exact), but
    // m = (p + q)/2 underflows to 0 for subnormal p + q while p > 0, which gave ln(∞).
    if (p > 0) left += p * Math.log((2 * p) / (p + q));
    if (q > 0) right += q * Math.log((2 * q) / (p + q));
  }
  let js = left + right;
  if ((options.base ?? 2) === 2) js /= Math.LN2;
  return Math.max(0, js / 2);
}

/**
 * jensenShannonDistance returns √JSD (scipy's `jensenshannon`), base 2 by default.
 *
 * @example
 * jensenShannonDistance([10, 20, 30, 40], [25, 25, 25, 25]); // 0.2005033225314282
 * jensenShannonDistance([10, 20, 30, 40], [25, 25, 25, 25], { base: 'e' }); // 0.16692996572597965
 */
export function jensenShannonDistance(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: JsOptions = {},
): number {
  return Math.sqrt(jensenShannonDivergence(reference, current, options));
}
