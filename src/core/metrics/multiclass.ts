/*
 * Multiclass classification metrics, as scikit-learn 1.2 precision_recall_fscore_support,
 * accuracy_score and log_loss.
 *
 * Per class c (one-vs-rest counts): P_c = tp/(tp+fp), R_c = tp/(tp+fn), F1_c = 2 P_c R_c/(P_c+R_c)
 * (0 when P_c + R_c = 0), support_c = #(y = c). A 0/0 precision or recall takes `zeroDivision`
 * (default 0).
 * - macro: unweighted mean of the per-class values (macro-F1 is the mean of per-class F1, not
 *   the F1 of macro P and R);
 * - weighted: mean weighted by support;
 * - micro: P, R, F1 of the pooled counts (equal to accuracy for single-label data).
 * Labels default to the sorted union of the labels in yTrue and yPred (sklearn unique_labels):
 * numbers ascending, then strings by code unit.
 *
 * Log loss: −mean ln p[y], after clipping each probability to [eps, 1 − eps] and renormalising
 * each row to sum 1, with eps = float64 machine epsilon by default (sklearn 1.2.1 "auto").
 * yTrue holds class indices into the probability columns, so the label set is always known.
 */

/** Label is a class label. */
export type Label = string | number;

/** PrecisionRecallF1 groups the three scores. */
export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** MulticlassMetrics holds per-class and averaged scores. */
export interface MulticlassMetrics {
  readonly labels: readonly Label[];
  readonly accuracy: number;
  readonly perClass: {
    readonly precision: readonly number[];
    readonly recall: readonly number[];
    readonly f1: readonly number[];
    readonly support: readonly number[];
  };
  readonly macro: PrecisionRecallF1;
  readonly weighted: PrecisionRecallF1;
  readonly micro: PrecisionRecallF1;
}

/** MulticlassOptions configures multiclassMetrics. */
export interface MulticlassOptions {
  /** Restrict and order the classes; default: sorted union of observed labels. */
  readonly labels?: readonly Label[];
  /** Value of a 0/0 precision or recall. Default 0. */
  readonly zeroDivision?: number;
}

/**
 * compareLabels orders numbers ascending before strings in code-unit order.
 *
 * @example
 * [2, 'b', 1, 'a'].sort(compareLabels); // [1, 2, 'a', 'b']
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function scores(tp: number, fp: number, fn: number, zero: number): PrecisionRecallF1 {
  const precision = tp + fp > 0 ? tp / (tp + fp) : zero;
  const recall = tp + fn > 0 ? tp / (tp + fn) : zero;
  const denom = precision + recall;
  return { precision, recall, f1: denom === 0 ? 0 : (2 * precision * recall) / denom };
}

const mean = (xs: readonly number[], w?: readonly number[]): number => {
  let s = 0;
  let t = 0;
  xs.forEach((x, i) => {
    const wi = w ? w[i]! : 1;
    s += wi * x;
    t += wi;
  });
  return s / t;
};

/**
 * multiclassMetrics computes accuracy and per-class, macro, weighted and micro P/R/F1.
 *
 * @example
 * const m = multiclassMetrics([0, 1, 2, 2], [0, 2, 2, 2]);
 * m.macro.f1; // mean of per-class F1
 */
export function multiclassMetrics(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  options: MulticlassOptions = {},
): MulticlassMetrics {
  if (yTrue.length !== yPred.length) throw new RangeError('yTrue and yPred differ in length');
  const n = yTrue.length;
  const observed = new Set<Label>();
  for (let i = 0; i < n; i++) {
    observed.add(yTrue[i]!);
    observed.add(yPred[i]!);
  }
  const labels = options.labels ?? [...observed].sort(compareLabels);
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Float64Array(labels.length);
  const predCount = new Float64Array(labels.length);
  const trueCount = new Float64Array(labels.length);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (yTrue[i] === yPred[i]) correct++;
    if (t !== undefined) trueCount[t]!++;
    if (p !== undefined) predCount[p]!++;
    if (t !== undefined && t === p) tp[t]!++;
  }
  const zero = options.zeroDivision ?? 0;
  const per = labels.map((_, c) => scores(tp[c]!, predCount[c]! - tp[c]!, trueCount[c]! - tp[c]!, zero));
  const support = Array.from(trueCount);
  const precision = per.map((s) => s.precision);
  const recall = per.map((s) => s.recall);
  const f1 = per.map((s) => s.f1);
  const sum = (xs: Float64Array): number => xs.reduce((s, x) => s + x, 0);
  const tpAll = sum(tp);
  const totalSupport = support.reduce((s, x) => s + x, 0);
  const weighted: PrecisionRecallF1 =
    totalSupport > 0
      ? { precision: mean(precision, support), recall: mean(recall, support), f1: mean(f1, support) }
      : { precision: zero, recall: zero, f1: zero };
  return {
    labels,
    accuracy: n > 0 ? correct / n : Number.NaN,
    perClass: { precision, recall, f1, support },
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted,
    micro: scores(tpAll, sum(predCount) - tpAll, sum(trueCount) - tpAll, zero),
  };
}

/**
 * multiclassLogLoss returns −mean ln p[y] with sklearn's clip-and-renormalise of each row.
 *
 * @example
 * multiclassLogLoss([0, 1], [[0.8, 0.2], [0.4, 0.6]]); // −(ln 0.8 + ln 0.6)/2
 */
export function multiclassLogLoss(
  yTrue: ArrayLike<number>,
  probs: ReadonlyArray<ArrayLike<number>>,
  options: { readonly eps?: number } = {},
): number {
  if (yTrue.length !== probs.length) throw new RangeError('yTrue and probs differ in length');
  if (probs.length === 0) return Number.NaN;
  const eps = options.eps ?? Number.EPSILON;
  let total = 0;
  probs.forEach((row, i) => {
    const y = yTrue[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < row.length))
      throw new RangeError(`class index ${y} at row ${i} out of range`);
    let rowSum = 0;
    for (let k = 0; k < row.length; k++) rowSum += Math.min(1 - eps, Math.max(eps, row[k]!));
    total -= Math.log(Math.min(1 - eps, Math.max(eps, row[y]!)) / rowSum);
  });
  return total / probs.length;
}
