/*
 * Confidence-based performance estimation (CBPE) of a binary classifier without labels.
 *
 * Method (NannyML's CBPE, https://nannyml.readthedocs.io/en/stable/how_it_works/performance_estimation.html):
 * with p_i = calibrated P(y_i = 1 | score_i) (see calibrator.ts, fitted on a labelled
 * reference period) and ŷ_i = [score_i ≥ t], the expected confusion matrix of the current
 * period is
 *   E[TP] = Σ_{ŷ=1} p_i,  E[FP] = Σ_{ŷ=1} (1 − p_i),  E[FN] = Σ_{ŷ=0} p_i,  E[TN] = Σ_{ŷ=0} (1 − p_i),
 * and accuracy, precision, recall and F1 are those of the expected matrix. ROC AUC is the AUC
 * of fractional score counts (pos = n·p, neg = n·(1 − p)) per score, i.e. the expected
 * TPR/FPR curve integrated (ties count ½, as rocAucFromScoreCounts).
 *
 * Bands (our choice, where NannyML uses the spread of reference chunks): a delta-method
 * standard error with two independent parts, both computable from the aggregates.
 *   1. sampling: given the scores, y_i ~ Bernoulli(p_i) independently, so the realised metric
 *      M(C) differs from M(E) by ≈ Σ_i g_i (y_i − p_i), g_i = ∂M/∂y_i at y = p; variance
 *      Σ_i p_i(1 − p_i) g_i². This grows as the chunk shrinks or scores crowd the threshold.
 *   2. calibration: each block b of the calibrator was fitted on m_b reference rows, so its
 *      probability carries variance v_b (blockVariance); the estimate moves by Σ_i g_i ∂p_i/∂p_b
 *      per unit of p_b, giving Σ_b (Σ_i g_i ∂p_i/∂p_b)² v_b. This term widens the band when a
 *      covariate shift moves the current scores into regions the reference saw rarely.
 * The estimate assumes P(y | score) is unchanged (covariate shift only): concept drift is
 * invisible to it, by construction. Undefined metrics (0/0) are NaN. Epsilon: none.
 */
import type { BinaryConfusion } from '../metrics/index.js';
import { rocAucFromScoreCounts } from '../metrics/index.js';
import { band, DEFAULT_LEVEL, type EstimatedMetric, zForLevel } from './band.js';
import { blockVariance, type Calibrator, type KnotWeights, knotWeights } from './calibrator.js';
import type { ScoreFrequency } from './rows.js';

/** BinaryEstimateOptions configures estimateBinary. */
export interface BinaryEstimateOptions {
  /** A score ≥ threshold predicts the positive class. Default 0.5. */
  readonly threshold?: number;
  /** Nominal coverage of the bands. Default 0.95. */
  readonly level?: number;
}

/** BinaryEstimate is the label-free estimate of a binary classifier's metrics. */
export interface BinaryEstimate {
  /** Rows with a score. */
  readonly count: number;
  /** The expected confusion matrix (fractional counts). */
  readonly confusion: BinaryConfusion;
  readonly accuracy: EstimatedMetric;
  readonly precision: EstimatedMetric;
  readonly recall: EstimatedMetric;
  readonly f1: EstimatedMetric;
  readonly auc: EstimatedMetric;
}

/** CalibratedScore is one score group of the current period located on the calibrator. */
export interface CalibratedScore {
  readonly score: number;
  readonly n: number;
  readonly w: KnotWeights;
}

/** SideTotals are the sums a constant-gradient variance needs over one set of rows. */
export interface SideTotals {
  /** Σ n·p(1 − p). */
  readonly sampling: number;
  /** Σ n·∂p/∂p_b for each calibrator block b. */
  readonly blocks: Float64Array;
}

/** sideTotals sums the rows for which `include(i)` holds (all rows by default). */
export function sideTotals(
  c: Calibrator,
  rows: readonly CalibratedScore[],
  include: (i: number) => boolean = () => true,
): SideTotals {
  const blocks = new Float64Array(c.blockCount.length);
  let sampling = 0;
  for (let i = 0; i < rows.length; i++) {
    if (!include(i)) continue;
    // i < rows.length.
    const { n, w } = rows[i]!;
    sampling += n * w.p * (1 - w.p);
    blocks[w.blockA]! += n * (1 - w.lambda);
    blocks[w.blockB]! += n * w.lambda;
  }
  return { sampling, blocks };
}

/**
 * sidesVariance is the delta-method variance (sampling + calibration, see the file comment) of
 * a metric whose per-row gradient is constant on each side: Σ g²·sampling + Σ_b (Σ g·blocks_b)²·v_b.
 */
export function sidesVariance(c: Calibrator, sides: readonly (readonly [SideTotals, number])[]): number {
  let sampling = 0;
  for (const [side, g] of sides) sampling += g * g * side.sampling;
  let calibration = 0;
  for (let b = 0; b < c.blockCount.length; b++) {
    let gb = 0;
    for (const [side, g] of sides) gb += g * side.blocks[b]!;
    if (gb !== 0) calibration += gb * gb * blockVariance(c, b);
  }
  return sampling + calibration;
}

/**
 * deltaVariance is the same variance for a per-row gradient g[i] (used for AUC, whose gradient
 * differs row by row).
 */
export function deltaVariance(c: Calibrator, rows: readonly CalibratedScore[], g: ArrayLike<number>): number {
  const perBlock = new Float64Array(c.blockCount.length);
  let sampling = 0;
  for (let i = 0; i < rows.length; i++) {
    // i < rows.length = g.length.
    const gi = g[i]!;
    const { n, w } = rows[i]!;
    sampling += n * w.p * (1 - w.p) * gi * gi;
    perBlock[w.blockA]! += n * gi * (1 - w.lambda);
    perBlock[w.blockB]! += n * gi * w.lambda;
  }
  let calibration = 0;
  for (let b = 0; b < perBlock.length; b++) calibration += perBlock[b]! ** 2 * blockVariance(c, b);
  return sampling + calibration;
}

/**
 * calibratedRows sorts and merges score frequencies (NaN scores and empty rows dropped) and
 * locates each score on the calibrator; shared with the multiclass estimator.
 */
export function calibratedRows(c: Calibrator, current: readonly ScoreFrequency[]): CalibratedScore[] {
  const clean = current.filter((r) => !Number.isNaN(r.score) && r.count > 0);
  clean.sort((a, b) => a.score - b.score);
  const rows: CalibratedScore[] = [];
  for (const r of clean) {
    const last = rows[rows.length - 1];
    if (last !== undefined && last.score === r.score) {
      rows[rows.length - 1] = { ...last, n: last.n + r.count };
    } else rows.push({ score: r.score, n: r.count, w: knotWeights(c, r.score) });
  }
  return rows;
}

function aucGradient(rows: readonly CalibratedScore[], auc: number): Float64Array {
  let pos = 0;
  let neg = 0;
  for (const r of rows) {
    pos += r.n * r.w.p;
    neg += r.n * (1 - r.w.p);
  }
  const g = new Float64Array(rows.length);
  let negBelow = 0;
  let posAbove = pos;
  for (let i = 0; i < rows.length; i++) {
    // i < rows.length = g.length.
    const r = rows[i]!;
    const posAt = r.n * r.w.p;
    const negAt = r.n * (1 - r.w.p);
    posAbove -= posAt;
    // Turning this row's label from 0 to 1 adds the negatives below it (½ at a tie) to the
    // area and removes it as a negative below the positives above it.
    const dArea = negBelow + negAt / 2 - posAbove - posAt / 2;
    g[i] = (dArea - auc * (neg - pos)) / (pos * neg);
    negBelow += negAt;
  }
  return g;
}

/**
 * estimateBinary estimates accuracy, precision, recall, F1 and ROC AUC of the current period
 * from its score frequencies and a calibrator fitted on the reference.
 *
 * @example
 * const cal = fitCalibrator([{ score: 0.1, pos: 1, neg: 9 }, { score: 0.9, pos: 9, neg: 1 }]);
 * estimateBinary(cal, [{ score: 0.1, count: 50 }, { score: 0.9, count: 50 }]).accuracy.value; // 0.9
 */
export function estimateBinary(
  calibrator: Calibrator,
  current: readonly ScoreFrequency[],
  options: BinaryEstimateOptions = {},
): BinaryEstimate {
  const threshold = options.threshold ?? 0.5;
  const z = zForLevel(options.level ?? DEFAULT_LEVEL);
  const rows = calibratedRows(calibrator, current);
  const predicted = rows.map((r) => r.score >= threshold);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  rows.forEach((r, i) => {
    if (predicted[i]) {
      tp += r.n * r.w.p;
      fp += r.n * (1 - r.w.p);
    } else {
      fn += r.n * r.w.p;
      tn += r.n * (1 - r.w.p);
    }
  });
  const n = tp + fp + fn + tn;
  const predictedPos = tp + fp;
  const actualPos = tp + fn;
  const f1Denom = 2 * tp + fp + fn;
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);
  const accuracy = ratio(tp + tn, n);
  const precision = ratio(tp, predictedPos);
  const recall = ratio(tp, actualPos);
  const f1 = ratio(2 * tp, f1Denom);
  // Per-row ∂M/∂y at y = p: a predicted-positive row moves (TP, FP) by (+1, −1), a
  // predicted-negative row moves (FN, TN) by (+1, −1); the chain rule through each ratio gives
  // one gradient per side.
  const pos = sideTotals(calibrator, rows, (i) => predicted[i] === true);
  const neg = sideTotals(calibrator, rows, (i) => predicted[i] !== true);
  const twoSided = (value: number, onPositive: number, onNegative: number): EstimatedMetric =>
    band(
      value,
      Number.isNaN(value)
        ? Number.NaN
        : sidesVariance(calibrator, [
            [pos, onPositive],
            [neg, onNegative],
          ]),
      z,
    );
  const auc = rocAucFromScoreCounts(
    rows.map((r) => ({ score: r.score, pos: r.n * r.w.p, neg: r.n * (1 - r.w.p) })),
  );
  return {
    count: rows.reduce((acc, r) => acc + r.n, 0),
    confusion: { tn, fp, fn, tp },
    accuracy: twoSided(accuracy, 1 / n, -1 / n),
    precision: twoSided(precision, 1 / predictedPos, 0),
    recall: twoSided(recall, fn / actualPos ** 2, -tp / actualPos ** 2),
    f1: twoSided(f1, (2 * (tp + fp + fn)) / f1Denom ** 2, (-2 * tp) / f1Denom ** 2),
    auc: band(
      auc,
      Number.isNaN(auc) ? Number.NaN : deltaVariance(calibrator, rows, aucGradient(rows, auc)),
      z,
    ),
  };
}
