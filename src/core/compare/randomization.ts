/*
 * Randomization tests of a mean difference, seeded (Good, Permutation Tests, 2nd ed., ch. 3).
 * Ranking metrics (NDCG@k, MRR) are means over queries, so each query is one unit.
 *
 * - paired (sign flip): per-query differences d_q = cand_q − ref_q; under H0 each d_q is as
 *   likely as −d_q. Each of B draws flips every sign with probability ½;
 *   p = (1 + #(|mean(±d)| ≥ |d̄|)) / (B + 1).
 * - unpaired (permutation): pool both samples, shuffle (Fisher–Yates) and split at the reference
 *   size; p = (1 + #(|Δ*| ≥ |Δ|)) / (B + 1).
 *
 * "≥" compares with a relative slack of 1e-12 so that permutations equal to the observed
 * difference in exact arithmetic count despite rounding (scipy's permutation_test does the same
 * with its own gamma). The CI is d̄ ± 1.95996·s/√n (paired) or the Welch-style
 * √(s₁²/n₁ + s₂²/n₂) normal interval (unpaired). Monte-Carlo error of p ≈ √(p(1−p)/B).
 */
import { statUndefined } from '../stats/index.js';
import { type ComparisonResult, Z_975 } from './result.js';

const SLACK = 1e-12;

function meanVar(xs: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return [m, xs.length > 1 ? s / (xs.length - 1) : 0];
}

/**
 * signFlipTest tests whether paired per-unit differences (candidate − reference) have mean 0.
 *
 * @example
 * signFlipTest([0.1, 0.2, -0.05, 0.3], mulberry32(1), 5000).pValue; // ≈ 0.375 (2·3/16 exactly)
 */
export function signFlipTest(
  differences: ArrayLike<number>,
  uniform: () => number,
  resamples = 5000,
): ComparisonResult {
  const n = differences.length;
  if (n === 0) return statUndefined('empty_sample', 'the sign-flip test needs at least one pair');
  const [mean, variance] = meanVar(differences);
  const obs = Math.abs(mean) * (1 - SLACK);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += uniform() < 0.5 ? -differences[i]! : differences[i]!;
    if (Math.abs(s / n) >= obs) hits++;
  }
  const se = Math.sqrt(variance / n);
  return {
    ok: true,
    difference: mean,
    standardError: se,
    ci: [mean - Z_975 * se, mean + Z_975 * se],
    pValue: Math.min(1, (hits + 1) / (resamples + 1)),
    statistic: Number.NaN,
    test: 'randomization_sign_flip',
  };
}

/**
 * permutationTest tests whether two independent samples of per-unit values have equal means.
 *
 * @example
 * permutationTest([0.5, 0.6, 0.4], [0.7, 0.9, 0.8], mulberry32(1)).difference; // 0.3
 */
export function permutationTest(
  reference: ArrayLike<number>,
  candidate: ArrayLike<number>,
  uniform: () => number,
  resamples = 5000,
): ComparisonResult {
  const na = reference.length;
  const nb = candidate.length;
  if (na === 0 || nb === 0) return statUndefined('empty_sample', 'the permutation test needs both samples');
  const [ma, va] = meanVar(reference);
  const [mb, vb] = meanVar(candidate);
  const diff = mb - ma;
  const pool = new Float64Array(na + nb);
  for (let i = 0; i < na; i++) pool[i] = reference[i]!;
  for (let i = 0; i < nb; i++) pool[na + i] = candidate[i]!;
  let total = 0;
  for (const x of pool) total += x;
  const obs = Math.abs(diff) * (1 - SLACK);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    // Partial Fisher–Yates: the first na positions become the reference sample.
    let sa = 0;
    for (let i = 0; i < na; i++) {
      const j = i + Math.floor(uniform() * (na + nb - i));
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
      sa += pool[i]!;
    }
    if (Math.abs((total - sa) / nb - sa / na) >= obs) hits++;
  }
  const se = Math.sqrt(va / na + vb / nb);
  return {
    ok: true,
    difference: diff,
    standardError: se,
    ci: [diff - Z_975 * se, diff + Z_975 * se],
    pValue: Math.min(1, (hits + 1) / (resamples + 1)),
    statistic: Number.NaN,
    test: 'randomization_permutation',
  };
}
