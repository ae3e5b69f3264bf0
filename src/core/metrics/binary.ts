/*
 * Binary classification metrics, as scikit-learn 1.2.
 *
 * Labels are 0 (negative) and 1 (positive); anything else is a programming error (RangeError):
 * the analysis layer maps the model's positive label to 1 before calling. A NaN probability
 * makes log loss and Brier NaN rather than silently dropping the row; an empty input is NaN.
 * The one exception is confusionAtThreshold, whose counts cannot be NaN: it leaves rows with a
 * NaN score out of all four counts, so tn + fp + fn + tp < n reveals them.
 *
 * - confusion at a threshold: predicted positive iff score ≥ threshold (default 0.5).
 * - precision = tp/(tp+fp), recall = tp/(tp+fn), F1 = 2PR/(P+R); a 0/0 precision or recall
 *   takes `zeroDivision` (default 0, sklearn's zero_division="warn" value), and F1 is 0 when
 *   P + R = 0 (sklearn's denominator guard).
 * - log loss = −mean(y ln p + (1−y) ln(1−p)) after sklearn's binary path: the two columns
 *   (1−p, p) are clipped to [eps, 1−eps] and renormalised per row. eps defaults to float64
 *   machine epsilon 2.220446049250313e-16, which is what sklearn 1.2.1's eps="auto" uses
 *   (not the documented 1e-15; the reference vectors record both).
 * - Brier = mean((p − y)²).
 */

/** BinaryConfusion counts the four outcomes of a binary classifier. */
export interface BinaryConfusion {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
}

/** ZeroDivisionOptions sets the value of a 0/0 precision or recall. */
export interface ZeroDivisionOptions {
  /** Default 0 (sklearn's default); 1 or NaN are the other common choices. */
  readonly zeroDivision?: number;
}

/** BinaryClassificationMetrics are the threshold metrics of a binary classifier. */
export interface BinaryClassificationMetrics {
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly confusion: BinaryConfusion;
}

function label(y: number, i: number): 0 | 1 {
  if (y === 1) return 1;
  if (y === 0) return 0;
  throw new RangeError(`binary labels must be 0 or 1, got ${y} at index ${i}`);
}

function assertSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) throw new RangeError(`inputs differ in length: ${a.length} vs ${b.length}`);
}

/**
 * binaryConfusion counts tn, fp, fn, tp of 0/1 predictions.
 *
 * @example
 * binaryConfusion([0, 1, 1], [0, 1, 0]); // { tn: 1, fp: 0, fn: 1, tp: 1 }
 */
export function binaryConfusion(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): BinaryConfusion {
  assertSameLength(yTrue, yPred);
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  // i < yTrue.length = yPred.length bounds every index.
  for (let i = 0; i < yTrue.length; i++) {
    const t = label(yTrue[i]!, i);
    const p = label(yPred[i]!, i);
    if (t === 1) p === 1 ? tp++ : fn++;
    else p === 1 ? fp++ : tn++;
  }
  return { tn, fp, fn, tp };
}

/**
 * confusionAtThreshold counts outcomes when a score ≥ threshold predicts the positive class.
 * Rows with a NaN score are counted as neither; check `tn + fp + fn + tp` against the length.
 *
 * @example
 * confusionAtThreshold([0, 1, 1], [0.2, 0.7, 0.5]); // { tn: 1, fp: 0, fn: 0, tp: 2 }
 */
export function confusionAtThreshold(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold = 0.5,
): BinaryConfusion {
  assertSameLength(yTrue, scores);
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = label(yTrue[i]!, i);
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    const p = s >= threshold;
    if (t === 1) p ? tp++ : fn++;
    else p ? fp++ : tn++;
  }
  return { tn, fp, fn, tp };
}

/**
 * metricsFromConfusion derives accuracy, precision, recall and F1 from confusion counts.
 *
 * @example
 * metricsFromConfusion({ tn: 79, fp: 30, fn: 21, tp: 70 }).f1; // 0.7329842931937172
 */
export function metricsFromConfusion(
  confusion: BinaryConfusion,
  options: ZeroDivisionOptions = {},
): BinaryClassificationMetrics {
  const { tn, fp, fn, tp } = confusion;
  const zero = options.zeroDivision ?? 0;
  const n = tn + fp + fn + tp;
  const precision = tp + fp > 0 ? tp / (tp + fp) : zero;
  const recall = tp + fn > 0 ? tp / (tp + fn) : zero;
  const denom = precision + recall;
  return {
    accuracy: n > 0 ? (tp + tn) / n : Number.NaN,
    precision,
    recall,
    f1: denom === 0 ? 0 : (2 * precision * recall) / denom,
    confusion,
  };
}

/**
 * binaryClassificationMetrics computes accuracy, precision, recall and F1 of 0/1 predictions.
 *
 * @example
 * binaryClassificationMetrics([0, 1, 0, 1, 1], [0, 0, 0, 0, 0]).precision; // 0 (0/0 → zeroDivision)
 */
export function binaryClassificationMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ZeroDivisionOptions = {},
): BinaryClassificationMetrics {
  return metricsFromConfusion(binaryConfusion(yTrue, yPred), options);
}

/** LogLossOptions sets the probability clip. */
export interface LogLossOptions {
  /** Probabilities are clipped to [eps, 1 − eps]. Default Number.EPSILON (sklearn 1.2.1 "auto"). */
  readonly eps?: number;
}

/**
 * binaryLogLoss returns the mean cross-entropy of P(y = 1) predictions, natural log.
 *
 * @example
 * binaryLogLoss([1, 1, 1], [0.9, 0.8, 0.7]); // 0.22839300363692283
 */
export function binaryLogLoss(
  yTrue: ArrayLike<number>,
  pPositive: ArrayLike<number>,
  options: LogLossOptions = {},
): number {
  assertSameLength(yTrue, pPositive);
  if (yTrue.length === 0) return Number.NaN;
  const eps = options.eps ?? Number.EPSILON;
  const clip = (p: number): number => Math.min(1 - eps, Math.max(eps, p));
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = label(yTrue[i]!, i);
    const p = pPositive[i]!;
    const p1 = clip(p);
    const p0 = clip(1 - p);
    total -= Math.log((t === 1 ? p1 : p0) / (p0 + p1));
  }
  return total / yTrue.length;
}

/**
 * brierScore returns mean((p − y)²) of P(y = 1) predictions.
 *
 * @example
 * brierScore([1, 1, 1, 1], [0.9, 0.6, 1, 0.3]); // 0.16499999999999998
 */
export function brierScore(yTrue: ArrayLike<number>, pPositive: ArrayLike<number>): number {
  assertSameLength(yTrue, pPositive);
  if (yTrue.length === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += (pPositive[i]! - label(yTrue[i]!, i)) ** 2;
  return total / yTrue.length;
}
