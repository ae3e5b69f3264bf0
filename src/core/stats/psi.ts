/*
 * Population Stability Index.
 *
 *   PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)
 *
 * with e = reference ("expected") proportions, a = current ("actual") proportions, natural log,
 * each proportion first floored: x → max(x, floor), with no renormalisation afterwards. This is
 * the convention of the reference vectors (conventions.psi) and of most credit-risk practice
 * (Siddiqi 2006, "Credit Risk Scorecards"); Evidently uses the same floor.
 *
 * Epsilon: floor = 1e-4 (PSI_FLOOR). An empty bin on one side then contributes
 * ≈ p·ln(p/1e-4) instead of infinity; the value depends on the floor (psi_props_with_empty_bin
 * gives 1.564 at 1e-4 and 2.486 at 1e-6), so the floor is an option.
 *
 * Entry points: proportions (categorical shares), counts over shared bins (histograms from the
 * store, missing values as a bin of their own), and raw samples binned by reference deciles
 * (conventions.psi: edges = numpy.quantile(ref, 0, .1, …, 1), unique, inner edges only, open
 * first/last bins; NaN counted in a missing bin).
 */
import { histogramOf, sharedBinCounts } from './histogram.js';
import { quantileEdges } from './quantile.js';
import { assertCounts, assertSameLength, proportionsOf } from './sample.js';

/** PSI_FLOOR is the default floor applied to each proportion before PSI. */
export const PSI_FLOOR = 1e-4;

/** PsiOptions configures the PSI floor. */
export interface PsiOptions {
  /** Default PSI_FLOOR (1e-4). */
  readonly floor?: number;
}

/**
 * psiFromProportions computes PSI from reference (`expected`) and current (`actual`)
 * proportions over the same bins, as given (no normalisation). NaN when a proportion is NaN.
 *
 * @example
 * psiFromProportions([0.25, 0.25, 0.25, 0.25, 0], [0.2, 0.2, 0.2, 0.2, 0.2]); // 1.5640491119253044
 */
export function psiFromProportions(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: PsiOptions = {},
): number {
  assertSameLength(expected, actual, 'expected', 'actual');
  const floor = options.floor ?? PSI_FLOOR;
  let psi = 0;
  // i < expected.length = actual.length bounds every index.
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, floor);
    const a = Math.max(actual[i]!, floor);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * psiFromCounts computes PSI from counts over shared bins (each side normalised by its own
 * total first). NaN when either side has no observations.
 *
 * @example
 * psiFromCounts([50, 50], [30, 70]); // 0.1695…
 */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: PsiOptions = {},
): number {
  assertSameLength(referenceCounts, currentCounts, 'reference', 'current');
  assertCounts(referenceCounts, 'reference');
  assertCounts(currentCounts, 'current');
  return psiFromProportions(proportionsOf(referenceCounts), proportionsOf(currentCounts), options);
}

/** PsiQuantileOptions configures psiQuantile. */
export interface PsiQuantileOptions extends PsiOptions {
  /** Number of reference-quantile bins before ties merge them. Default 10. */
  readonly bins?: number;
}

/** PsiQuantileResult is PSI on reference deciles plus the bins it used. */
export interface PsiQuantileResult {
  readonly psi: number;
  /** Inner edges (reference quantiles, unique). */
  readonly edges: Float64Array;
  /** Counts per bin, with a trailing missing bin when either sample has NaN. */
  readonly referenceCounts: Float64Array;
  readonly currentCounts: Float64Array;
  readonly missingBin: boolean;
}

/**
 * psiQuantile bins both raw samples by the reference quantiles and computes PSI on those bins.
 *
 * @example
 * const r = psiQuantile(referenceValues, currentValues);
 * r.psi; // e.g. 0.226 for a half-sigma shift
 */
export function psiQuantile(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: PsiQuantileOptions = {},
): PsiQuantileResult {
  const edges = quantileEdges(reference, options.bins ?? 10);
  const shared = sharedBinCounts(histogramOf(edges, reference), histogramOf(edges, current));
  return {
    psi: psiFromCounts(shared.reference, shared.current, options),
    edges,
    referenceCounts: shared.reference,
    currentCounts: shared.current,
    missingBin: shared.missingBin,
  };
}
