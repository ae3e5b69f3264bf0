/*
 * Score calibration fitted on a labelled reference period, from mergeable score counts.
 *
 * - isotonic: the pool-adjacent-violators algorithm (Ayer et al. 1955; Barlow et al. 1972,
 *   "Statistical Inference under Order Restrictions") on rows (score, pos, neg) weighted by
 *   pos + neg, so P(y = 1 | score) is non-decreasing in the score. Prediction mirrors
 *   sklearn.isotonic.IsotonicRegression(out_of_bounds='clip'): each block keeps its lowest and
 *   highest score as knots, values between knots are interpolated linearly, values outside the
 *   reference range take the end value.
 * - histogram: histogram binning (Zadrozny & Elkan 2001) on `bins` equal-width bins of [0, 1];
 *   each non-empty bin is one block (no monotonicity), with the same knots and interpolation.
 *
 * Rows come from ClickHouse grouped by (rounded) score, so the fit never needs raw rows; rows
 * with a NaN score or no counts are ignored. Each block also keeps its reference count and
 * positives: the estimators use them for the calibration part of their standard errors
 * (`blockVariance`, a Jeffreys-smoothed binomial variance, so a pure block of 3 rows does not
 * claim zero uncertainty). Epsilon: none.
 */
import type { ScoreCount } from '../metrics/index.js';

/** CalibrationMethod picks how reference scores are mapped to probabilities. */
export type CalibrationMethod = 'isotonic' | 'histogram';

/** Calibrator maps a score to P(y = 1 | score) by linear interpolation between knots. */
export interface Calibrator {
  readonly method: CalibrationMethod;
  /** Knot scores, strictly ascending. */
  readonly x: Float64Array;
  /** Calibrated probability at each knot. */
  readonly p: Float64Array;
  /** Block (fitted parameter) each knot belongs to; a block has one or two knots. */
  readonly block: Int32Array;
  /** Reference rows and positives per block. */
  readonly blockCount: Float64Array;
  readonly blockPositives: Float64Array;
}

/** CalibratorOptions configures fitCalibrator. */
export interface CalibratorOptions {
  /** Default 'isotonic'. */
  readonly method?: CalibrationMethod;
  /** Equal-width bins on [0, 1] for 'histogram'. Default 20. */
  readonly bins?: number;
}

/** KnotWeights says which blocks a score's calibrated value depends on, and how much. */
export interface KnotWeights {
  readonly p: number;
  readonly blockA: number;
  readonly blockB: number;
  /** Weight of blockB; blockA has 1 − lambda. */
  readonly lambda: number;
}

interface Block {
  pos: number;
  n: number;
  lo: number;
  hi: number;
}

function mergedRows(rows: readonly ScoreCount[]): Block[] {
  const clean = rows.filter((r) => !Number.isNaN(r.score) && r.pos + r.neg > 0);
  clean.sort((a, b) => a.score - b.score);
  const out: Block[] = [];
  for (const r of clean) {
    const last = out[out.length - 1];
    if (last !== undefined && last.hi === r.score) {
      last.pos += r.pos;
      last.n += r.pos + r.neg;
    } else out.push({ pos: r.pos, n: r.pos + r.neg, lo: r.score, hi: r.score });
  }
  return out;
}

function poolAdjacentViolators(rows: Block[]): Block[] {
  const stack: Block[] = [];
  for (const r of rows) {
    let cur: Block = { ...r };
    for (;;) {
      const prev = stack[stack.length - 1];
      // Cross-multiplied mean comparison avoids dividing; n > 0 for every block.
      if (prev === undefined || prev.pos * cur.n <= cur.pos * prev.n) break;
      stack.pop();
      cur = { pos: prev.pos + cur.pos, n: prev.n + cur.n, lo: prev.lo, hi: cur.hi };
    }
    stack.push(cur);
  }
  return stack;
}

function histogramBlocks(rows: Block[], bins: number): Block[] {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const out: Block[] = [];
  let lastBin = -1;
  for (const r of rows) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(r.lo * bins)));
    const last = out[out.length - 1];
    if (last !== undefined && b === lastBin) {
      last.pos += r.pos;
      last.n += r.n;
      last.hi = r.hi;
    } else out.push({ ...r });
    lastBin = b;
  }
  return out;
}

/**
 * fitCalibrator fits P(y = 1 | score) on reference score counts. With no usable row the
 * calibrator has no knots and every calibrated value is NaN.
 *
 * @example
 * const c = fitCalibrator([{ score: 0.2, pos: 1, neg: 3 }, { score: 0.8, pos: 3, neg: 1 }]);
 * calibrate(c, 0.5); // 0.5 (halfway between 0.25 and 0.75)
 */
export function fitCalibrator(rows: readonly ScoreCount[], options: CalibratorOptions = {}): Calibrator {
  const method = options.method ?? 'isotonic';
  const merged = mergedRows(rows);
  const blocks =
    method === 'isotonic' ? poolAdjacentViolators(merged) : histogramBlocks(merged, options.bins ?? 20);
  const x: number[] = [];
  const p: number[] = [];
  const block: number[] = [];
  blocks.forEach((b, i) => {
    const prob = b.pos / b.n;
    x.push(b.lo);
    p.push(prob);
    block.push(i);
    if (b.hi > b.lo) {
      x.push(b.hi);
      p.push(prob);
      block.push(i);
    }
  });
  return {
    method,
    x: Float64Array.from(x),
    p: Float64Array.from(p),
    block: Int32Array.from(block),
    blockCount: Float64Array.from(blocks, (b) => b.n),
    blockPositives: Float64Array.from(blocks, (b) => b.pos),
  };
}

/**
 * knotWeights locates a score among the knots: its calibrated value and the (at most two)
 * blocks that value interpolates. NaN p for a NaN score or an empty calibrator.
 *
 * @example
 * knotWeights(fitCalibrator([{ score: 0.2, pos: 1, neg: 3 }, { score: 0.8, pos: 3, neg: 1 }]), 0.65).lambda; // ≈ 0.75
 */
export function knotWeights(c: Calibrator, score: number): KnotWeights {
  const k = c.x.length;
  if (k === 0 || Number.isNaN(score)) return { p: Number.NaN, blockA: 0, blockB: 0, lambda: 0 };
  // k ≥ 1 here, so index 0 and k − 1 exist.
  if (score <= c.x[0]!) return { p: c.p[0]!, blockA: c.block[0]!, blockB: c.block[0]!, lambda: 0 };
  if (score >= c.x[k - 1]!)
    return { p: c.p[k - 1]!, blockA: c.block[k - 1]!, blockB: c.block[k - 1]!, lambda: 0 };
  let lo = 0;
  let hi = k - 1;
  // Invariant x[lo] < score < x[hi]; both stay within [0, k − 1].
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (c.x[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const lambda = (score - c.x[lo]!) / (c.x[hi]! - c.x[lo]!);
  return {
    p: (1 - lambda) * c.p[lo]! + lambda * c.p[hi]!,
    blockA: c.block[lo]!,
    blockB: c.block[hi]!,
    lambda,
  };
}

/**
 * calibrate returns the calibrated P(y = 1 | score).
 *
 * @example
 * calibrate(fitCalibrator([{ score: 0.9, pos: 9, neg: 1 }]), 0.99); // 0.9 (clipped to the range)
 */
export function calibrate(c: Calibrator, score: number): number {
  return knotWeights(c, score).p;
}

/**
 * blockVariance is the sampling variance of one block's fitted probability, p̃(1 − p̃)/(n + 1)
 * with the Jeffreys-smoothed p̃ = (pos + ½)/(n + 1).
 *
 * @example
 * blockVariance(fitCalibrator([{ score: 0.5, pos: 3, neg: 0 }]), 0); // 0.0273… (not 0)
 */
export function blockVariance(c: Calibrator, block: number): number {
  const n = c.blockCount[block] ?? 0;
  const pos = c.blockPositives[block] ?? 0;
  const p = (pos + 0.5) / (n + 1);
  return (p * (1 - p)) / (n + 1);
}
