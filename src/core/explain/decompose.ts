/*
 * Why did a metric move: the change of a metric between a baseline window (A) and a current
 * window (B), split over the segments of one dimension (a tag, or a bucketed feature).
 *
 * Rate metrics (accuracy, prediction rate, a mean error …) are M = Σ_s w_s·r_s, where w_s is the
 * segment's share of the metric's denominator and r_s the metric within the segment. With
 * w̄ = (w_A + w_B)/2, r̄ = (r_A + r_B)/2 and M̄ = (M_A + M_B)/2, each segment's part of the change is
 *
 *   mix_s  = (w_B − w_A)·(r̄_s − M̄)   the segment's share moved (it pulls the metric toward its rate)
 *   rate_s = w̄_s·(r_B − r_A)          the metric moved inside the segment
 *
 * and Σ_s (mix_s + rate_s) = M_B − M_A exactly (the symmetric "midpoint" split, as in a
 * Shapley value of the two factors; centring the mix on M̄ adds −M̄·Σ Δw = 0). A segment present in
 * one window only takes its rate from the other (no rate effect, its whole part is mix).
 *
 * Volume (record counts) splits the same way over N_s = N·w_s: mix_s = N̄·Δw_s (the segment's
 * share of the traffic moved) and rate_s = ΔN·w̄_s (its part of the overall growth), summing to
 * ΔN_s and over segments to ΔN. The baseline's counts may be scaled (to the current window's
 * length) first.
 *
 * Intervals: delta method. A segment's contribution is a smooth function of the per-unit means
 * of (1[s], 1[s]·y, y) in each window; its standard error comes from the variance of the influence
 * of one unit (from n, Σy and Σy² per segment), windows independent. Counts are Poisson for
 * volume (with a continuity correction of half a record per window). The half-width uses
 * z = Φ⁻¹(1 − α/(2K)) over all K segments of an explanation (Bonferroni), so "no segment's interval excludes zero" holds with probability ≥ 1 − α when
 * nothing changed, and a small noisy segment does not look like a cause.
 */

/** WindowSums are one segment's sums in one window: units in the denominator, Σy and Σy². */
export interface WindowSums {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

export interface SegmentSums {
  readonly segment: string;
  readonly baseline: WindowSums;
  readonly current: WindowSums;
}

export type ExplainKind = 'rate' | 'volume';

export interface SegmentContribution {
  readonly segment: string;
  /** Share of the metric's denominator (rate) or of the records (volume) in each window. */
  readonly share: { readonly baseline: number; readonly current: number };
  /** The metric within the segment (null when it has no units); for volume, its count. */
  readonly value: { readonly baseline: number | null; readonly current: number | null };
  readonly n: { readonly baseline: number; readonly current: number };
  readonly mix: number;
  readonly rate: number;
  /** contribution = mix + rate; the contributions of a dimension sum to the change. */
  readonly contribution: number;
  readonly se: number;
  readonly low: number;
  readonly high: number;
}

export interface Decomposition {
  readonly before: number;
  readonly after: number;
  readonly change: number;
  readonly segments: SegmentContribution[];
}

export interface DecomposeOptions {
  /** Half-width multiplier of the intervals (default 1.96). */
  readonly z?: number;
  /** Volume only: the baseline's counts are multiplied by this (e.g. current length / baseline length). */
  readonly baselineScale?: number;
}

const total = (segments: readonly SegmentSums[], side: 'baseline' | 'current') => {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const s of segments) {
    n += s[side].n;
    sum += s[side].sum;
    sumSq += s[side].sumSq;
  }
  return { n, sum, sumSq };
};

/**
 * influenceVariance is Var(b − M̄·a + κ·y) per unit of one window, where a = 1[unit in s],
 * b = a·y: the delta-method variance of one window's part of a segment's contribution.
 */
function influenceVariance(seg: WindowSums, all: WindowSums, mBar: number, kappa: number): number {
  if (all.n <= 0) return 0;
  const k1 = 1 + kappa;
  const second =
    (k1 * k1 * seg.sumSq -
      2 * k1 * mBar * seg.sum +
      mBar * mBar * seg.n +
      kappa * kappa * (all.sumSq - seg.sumSq)) /
    all.n;
  const mean = (seg.sum - mBar * seg.n + kappa * all.sum) / all.n;
  return Math.max(0, second - mean * mean);
}

/**
 * decompose splits the change of a metric between two windows over one dimension's segments.
 * Returns null when a window has no units (nothing to compare).
 *
 * @example
 * // accuracy 0.9 → 0.8 as segment "b" (half the traffic) falls from 0.9 to 0.7
 * decompose('rate', [
 *   { segment: 'a', baseline: { n: 50, sum: 45, sumSq: 45 }, current: { n: 50, sum: 45, sumSq: 45 } },
 *   { segment: 'b', baseline: { n: 50, sum: 45, sumSq: 45 }, current: { n: 50, sum: 35, sumSq: 35 } },
 * ])!.segments[1]!.contribution; // −0.1 (all rate)
 */
export function decompose(
  kind: ExplainKind,
  segments: readonly SegmentSums[],
  options: DecomposeOptions = {},
): Decomposition | null {
  const z = options.z ?? 1.959963984540054;
  const A = total(segments, 'baseline');
  const B = total(segments, 'current');
  if (kind === 'volume') return decomposeVolume(segments, A.n, B.n, z, options.baselineScale ?? 1);
  if (A.n <= 0 || B.n <= 0) return null;
  const mA = A.sum / A.n;
  const mB = B.sum / B.n;
  const mBar = (mA + mB) / 2;
  const out: SegmentContribution[] = [];
  for (const s of segments) {
    const a = s.baseline;
    const b = s.current;
    if (a.n <= 0 && b.n <= 0) continue;
    const rA0 = a.n > 0 ? a.sum / a.n : null;
    const rB0 = b.n > 0 ? b.sum / b.n : null;
    const rA = rA0 ?? (rB0 as number);
    const rB = rB0 ?? (rA0 as number);
    const wA = a.n / A.n;
    const wB = b.n / B.n;
    const mix = (wB - wA) * ((rA + rB) / 2 - mBar);
    const rate = ((wA + wB) / 2) * (rB - rA);
    const contribution = mix + rate;
    const k = (wB - wA) / 2;
    const variance = influenceVariance(b, B, mBar, -k) / B.n + influenceVariance(a, A, mBar, k) / A.n;
    const se = Math.sqrt(variance);
    out.push({
      segment: s.segment,
      share: { baseline: wA, current: wB },
      value: { baseline: rA0, current: rB0 },
      n: { baseline: a.n, current: b.n },
      mix,
      rate,
      contribution,
      se,
      low: contribution - z * se,
      high: contribution + z * se,
    });
  }
  return { before: mA, after: mB, change: mB - mA, segments: out };
}

function decomposeVolume(
  segments: readonly SegmentSums[],
  nA: number,
  nB: number,
  z: number,
  scale: number,
): Decomposition {
  const NA = nA * scale;
  const NB = nB;
  const dN = NB - NA;
  const nBar = (NA + NB) / 2;
  const out: SegmentContribution[] = [];
  for (const s of segments) {
    const a = s.baseline.n * scale;
    const b = s.current.n;
    if (a <= 0 && b <= 0) continue;
    const wA = NA > 0 ? a / NA : 0;
    const wB = NB > 0 ? b / NB : 0;
    // With an empty window the split is all "rate": every segment grew from (or to) nothing.
    const mix = NA > 0 && NB > 0 ? nBar * (wB - wA) : 0;
    const rate = NA > 0 && NB > 0 ? dN * ((wA + wB) / 2) : b - a;
    const contribution = mix + rate;
    const se = Math.sqrt(s.current.n + scale * scale * s.baseline.n);
    // Counts are whole: a continuity correction of half a record on each side keeps the normal
    // interval from claiming small segments (a few records) moved.
    const half = z * se + 0.5 * (1 + scale);
    out.push({
      segment: s.segment,
      share: { baseline: wA, current: wB },
      value: { baseline: a, current: b },
      n: { baseline: s.baseline.n, current: s.current.n },
      mix,
      rate,
      contribution,
      se,
      low: contribution - half,
      high: contribution + half,
    });
  }
  return { before: NA, after: NB, change: dN, segments: out };
}
