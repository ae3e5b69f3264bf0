/*
 * Contribution analysis across dimensions: decompose the change by every dimension (decompose.ts),
 * with simultaneous intervals over all segments, rank the segments by the part of their
 * contribution that noise cannot explain, and score each dimension.
 */
import { cramersV } from '../stats/index.js';
import { normalQuantile } from '../timeseries/index.js';
import {
  type Decomposition,
  decompose,
  type ExplainKind,
  type SegmentContribution,
  type SegmentSums,
} from './decompose.js';

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
   * score orders dimensions: the best rankKey of its segments over |change| (in [0, 1]): 0 when
   * noise, or the segments' sizes, explain the change (every segment moved alike).
   */
  readonly score: number;
  /** Cramér's V of segment × window over the metric's denominators: how much the mix moved. */
  readonly cramersV: number | null;
  readonly segments: SegmentContribution[];
}

export interface RankedContribution extends SegmentContribution {
  readonly dimension: string;
  /** rankKey: how strongly, beyond noise and beyond its size, the segment moved the metric. */
  readonly key: number;
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

/** halfWidth of a contribution's interval. */
const halfWidth = (c: SegmentContribution): number => c.high - c.contribution;

/** strength is the part of |contribution| beyond the interval's half-width (0 if it spans zero). */
export const strength = (c: SegmentContribution): number =>
  Math.max(0, Math.abs(c.contribution) - halfWidth(c));

/**
 * excess is what sets a segment apart: its mix effect plus the part of its rate effect beyond its
 * size's share of the dimension's total rate effect R (rate_s − w̄_s·R). When the metric moved
 * alike in every segment (every browser lost the same accuracy), each segment's contribution is
 * large but its excess is 0: the dimension explains nothing.
 */
export function excess(c: SegmentContribution, totalRate: number): number {
  return c.mix + c.rate - ((c.share.baseline + c.share.current) / 2) * totalRate;
}

/**
 * rankKey orders contributors: the smaller of the contribution and its excess, each beyond the
 * interval's half-width — a segment tops the list when it moved the metric, by more than noise,
 * and by more than its size alone would.
 */
export const rankKey = (c: SegmentContribution, totalRate: number): number =>
  Math.min(strength(c), Math.max(0, Math.abs(excess(c, totalRate)) - halfWidth(c)));

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
    let totalRate = 0;
    for (const s of dec.segments) totalRate += s.rate;
    for (const s of dec.segments) {
      const key = rankKey(s, totalRate);
      if (abs > 0) {
        explained = Math.max(explained, (sign * s.contribution) / abs);
        score = Math.max(score, key / abs);
      }
      ranked.push({
        ...s,
        dimension: d.dimension,
        key,
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
  ranked.sort(
    (a, b) =>
      b.key - a.key || strength(b) - strength(a) || Math.abs(b.contribution) - Math.abs(a.contribution),
  );
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
