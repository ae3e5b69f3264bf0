/*
 * Drift attribution: which input features' drift explains a move of the predictions (prediction
 * drift, an estimated-performance drop). A feature matters when it both drifted and the model
 * depends on it, so each feature's drift is weighted by its importance to the model: the declared
 * importance when the model's config has one, else one estimated from the logged data — the
 * correlation ratio η between the feature's segments (its values, or quantile buckets of a
 * numeric one) and the model's score in the baseline, η² = Σ_s n_s(ȳ_s − ȳ)² / Σ(y − ȳ)²
 * (the share of the score's variance the feature's segments explain; for a linear dependence on a
 * numeric feature η approaches |Pearson r|), adjusted for the number of segments so a feature the
 * model ignores reads as about 0 rather than as chance association.
 */
import { psiFromCounts } from '../stats/index.js';

/** ScoreBySegment: the model's score in one segment of a feature, in the baseline. */
export interface ScoreBySegment {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/**
 * correlationRatio is η of the score over a feature's segments, in [0, 1] (0 with no variance).
 *
 * @example correlationRatio([{ n: 2, sum: 0, sumSq: 0 }, { n: 2, sum: 2, sumSq: 2 }]) // 1
 */
export function correlationRatio(groups: readonly ScoreBySegment[]): number {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const g of groups) {
    n += g.n;
    sum += g.sum;
    sumSq += g.sumSq;
  }
  if (n <= 1) return 0;
  const mean = sum / n;
  const ssTotal = sumSq - n * mean * mean;
  if (!(ssTotal > 1e-12 * Math.max(1, sumSq))) return 0;
  let ssBetween = 0;
  let k = 0;
  for (const g of groups)
    if (g.n > 0) {
      ssBetween += g.n * (g.sum / g.n - mean) ** 2;
      k++;
    }
  const eta2 = Math.min(1, Math.max(0, ssBetween / ssTotal));
  // Adjusted for the number of segments (as adjusted R²): k segments of pure noise explain
  // about (k − 1)/(n − 1) of the variance by chance, which would otherwise read as importance.
  const adjusted = n > k ? 1 - ((1 - eta2) * (n - 1)) / (n - k) : eta2;
  return Math.sqrt(Math.min(1, Math.max(0, adjusted)));
}

/**
 * segmentDrift is the PSI between a feature's segment counts in the baseline and the current
 * window (0 when either is empty).
 */
export function segmentDrift(baseline: readonly number[], current: readonly number[]): number {
  const a = baseline.reduce((x, y) => x + y, 0);
  const b = current.reduce((x, y) => x + y, 0);
  if (a <= 0 || b <= 0) return 0;
  const v = psiFromCounts(baseline, current);
  return Number.isFinite(v) ? v : 0;
}

export interface FeatureDrift {
  readonly feature: string;
  readonly drift: number;
  /** Importance before normalising (declared, or η); null = unknown. */
  readonly importance: number | null;
}

export interface FeatureAttribution {
  readonly feature: string;
  readonly drift: number;
  /** Normalised to sum 1 over the features. */
  readonly importance: number;
  /** importance × drift */
  readonly score: number;
  /** score over the sum of scores. */
  readonly share: number;
}

/**
 * attributeDrift ranks features by importance-weighted drift. Importances are normalised to sum
 * to 1 (all unknown or zero: equal weights).
 *
 * @example
 * attributeDrift([
 *   { feature: 'x', drift: 0.5, importance: 0.9 },
 *   { feature: 'noise', drift: 0.8, importance: 0.01 },
 * ])[0]!.feature // 'x'
 */
export function attributeDrift(features: readonly FeatureDrift[]): FeatureAttribution[] {
  const known = features.map((f) => (f.importance !== null && f.importance > 0 ? f.importance : 0));
  const sum = known.reduce((a, b) => a + b, 0);
  const weights = sum > 0 ? known.map((w) => w / sum) : features.map(() => 1 / Math.max(1, features.length));
  const scored = features.map((f, i) => ({
    feature: f.feature,
    drift: f.drift,
    importance: weights[i]!,
    score: weights[i]! * Math.max(0, f.drift),
  }));
  const total = scored.reduce((a, b) => a + b.score, 0);
  return scored
    .map((s) => ({ ...s, share: total > 0 ? s.score / total : 0 }))
    .sort((a, b) => b.score - a.score || a.feature.localeCompare(b.feature));
}
