/*
 * Contribution analysis across dimensions: decompose the change by every dimension (decompose.ts),
 * with simultaneous intervals over all segments, rank the segments by the part of their
 * contribution that noise cannot explain, and score each dimension.
 */
import { cramersV } from '../stats/index.js';
import { normalQuantile } from '../timeseries/index.js';
import { type ExplainKind, type Decomposition, decompose, type SegmentContribution, type SegmentSums } from './decompose.js';

export interface DimensionInput {
  readonly dimension: string;
  readonly segments: readonly SegmentSums[];
}

export interface DimensionResult {
  readonly dimension: string;
  /**
   * explainedShare: the share of the change its leading segment accounts for (its contribution in
   * the direction of the change over |change|, in [0, 1]).
   */
  readonly explainedShare: number;
  /**
   * score orders dimensions: how far the dimension's best segment's contribution, less its
   * interval half-width, exceeds what the segment would carry if the change were spread over
   * the segments in proportion to their size, as a share of |change| (0 when noise or size
   * explains it). A dimension whose segments all moved alike scores 0.
   */
  readonly score: number;
  /** Cramér's V of segment × window over the metric's denominators: how much the mix moved. */
  readonly cramersV: number | null;
  readonly segments: SegmentContribution[];
}

export interface RankedContribution extends SegmentContribution {
  readonly dimension: string;
  /** Contribution over the change (signed: > 0 moved the metric the way it moved). */
  readonly shareOfChange: number | null;
  /** The interval excludes zero. */
  readonly significant: boolean;
}

export interface Explanation {
  readonly kind: ExplainKind;
  readonly before: number;
  readonly after: number;
  readonly change: number;
  /** z of the simultaneous intervals (Bonferroni over every segment of every dimension). */
  readonly z: number;
  readonly alpha: number;
  readonly dimensions: DimensionResult[];
  /** Segments of every dimension, strongest first. */
  readonly ranked: RankedContribution[];
}

export interface ExplainOptions {
  /** Family-wise error of the intervals (default DEFAULT_ALPHA). */
  readonly alpha?: number;
  readonly baselineScale?: number;
}

/**
 * DEFAULT_ALPHA: the intervals hold simultaneously with 98% confidence. Bonferroni is nearly exact
 * when segments are independent (volume), so a family-wise 5% would let one segment look real
 * on about one "nothing changed" comparison in twenty; 2% keeps that well below.
 */
export const DEFAULT_ALPHA = 0.02;

/** strength is the part of |contribution| beyond the interval's half-width (0 if it spans zero). */
export const strength = (c: SegmentContribution): number =>
  Math.max(0, Math.abs(c.contribution) - (c.high - c.contribution));

/**
 * explainChange decomposes the change over every dimension and ranks segments across them.
 * Returns null when a window has no units.
 */
export function explainChange(
  kind: ExplainKind,
  dimensions: readonly DimensionInput[],
  options: ExplainOptions = {},
): Explanation | null {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  let k = 0;
  for (const d of dimensions) k += d.segments.filter((s) => s.baseline.n > 0 || s.current.n > 0).length;
  const z = normalQuantile(1 - alpha / (2 * Math.max(1, k)));
  let first: Decomposition | null = null;
  const results: DimensionResult[] = [];
  const ranked: RankedContribution[] = [];
  for (const d of dimensions) {
    const dec = decompose(kind, d.segments, { z, baselineScale: options.baselineScale });
    if (dec === null) return null;
    first ??= dec;
    const change = dec.change;
    const sign = Math.sign(change);
    const abs = Math.abs(change);
    let explained = 0;
    let score = 0;
    for (const s of dec.segments) {
      if (abs > 0) {
        explained = Math.max(explained, (sign * s.contribution) / abs);
        const proportional = ((s.share.baseline + s.share.current) / 2) * change;
        const excess = sign * (s.contribution - proportional) - (s.high - s.contribution);
        score = Math.max(score, excess / abs);
      }
      ranked.push({
        ...s,
        dimension: d.dimension,
        shareOfChange: abs > 0 ? s.contribution / change : null,
        significant: s.low > 0 || s.high < 0,
      });
    }
    const table = dec.segments.map((s) => [s.n.baseline, s.n.current]);
    const v = table.length > 1 ? cramersV(table) : Number.NaN;
    results.push({
      dimension: d.dimension,
      explainedShare: Math.min(1, explained),
      score: Math.min(1, score),
      cramersV: Number.isFinite(v) ? v : null,
      segments: dec.segments,
    });
  }
  if (first === null) return null;
  ranked.sort((a, b) => strength(b) - strength(a) || Math.abs(b.contribution) - Math.abs(a.contribution));
  results.sort((a, b) => b.score - a.score || b.explainedShare - a.explainedShare);
  return {
    kind,
    before: first.before,
    after: first.after,
    change: first.change,
    z,
    alpha,
    dimensions: results,
    ranked,
  };
}
