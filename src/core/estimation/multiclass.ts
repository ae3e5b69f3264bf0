/*
 * Label-free estimation of a multiclass classifier's accuracy and macro F1 (CBPE, one-vs-rest).
 *
 * Method: NannyML's multiclass CBPE calibrates each class's score one-vs-rest and sums the
 * expected one-vs-rest confusion matrices. We calibrate each class k twice, on the reference
 * rows where k was the prediction ("top", the top-label calibration of Guo et al. 2017, "On
 * Calibration of Modern Neural Networks") and on the rows where it was not ("rest"), because
 * each confusion cell conditions on the prediction:
 *   E[TP_k] = Σ_{ŷ=k} P(y = k | s_k, ŷ = k),  E[FP_k] = Σ_{ŷ=k} (1 − that),
 *   E[FN_k] = Σ_{ŷ≠k} P(y = k | s_k, ŷ ≠ k).
 * Accuracy = Σ_k E[TP_k] / N; macro F1 = mean_k 2E[TP_k] / (2E[TP_k] + E[FP_k] + E[FN_k]).
 * Every input is a per-class score histogram split by "predicted or not", which ClickHouse
 * builds with one GROUP BY, so no raw rows are needed. Prediction = argmax of the scores.
 *
 * Bands: the delta method of binary.ts per class (sampling + calibration). Accuracy's is
 * exact to first order. Macro F1's adds the classes' variances plus the main cross term (a
 * row predicted i that is really j lowers F1_i and F1_j together), approximated by spreading a
 * row's other-class probability evenly over the other classes, since the aggregates do not
 * hold a row's joint class probabilities; without that term the band covered 88% at 95%.
 * Like the binary estimator it cannot see concept drift. Undefined metrics are NaN.
 */
import type { ScoreCount } from '../metrics/index.js';
import { band, DEFAULT_LEVEL, type EstimatedMetric, zForLevel } from './band.js';
import { calibratedRows, sidesVariance, sideTotals } from './binary.js';
import { type Calibrator, type CalibratorOptions, fitCalibrator } from './calibrator.js';
import { type BinningOptions, type ScoreFrequency, scoreRounder } from './rows.js';

/** ClassScoreCounts are one class's reference score counts, split by whether it was predicted. */
export interface ClassScoreCounts {
  /** Rows predicted as this class: (its score, y = class, y ≠ class). */
  readonly top: readonly ScoreCount[];
  /** Rows predicted as another class. */
  readonly rest: readonly ScoreCount[];
}

/** ClassScoreFrequencies are one class's current score frequencies, split the same way. */
export interface ClassScoreFrequencies {
  readonly top: readonly ScoreFrequency[];
  readonly rest: readonly ScoreFrequency[];
}

/** MulticlassCalibrator holds the two calibrators of each class, in `classes` order. */
export interface MulticlassCalibrator {
  readonly classes: readonly string[];
  readonly top: readonly Calibrator[];
  readonly rest: readonly Calibrator[];
}

/** ClassEstimate is one class's expected one-vs-rest metrics. */
export interface ClassEstimate {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** MulticlassEstimate is the label-free estimate of a multiclass classifier. */
export interface MulticlassEstimate {
  readonly count: number;
  readonly accuracy: EstimatedMetric;
  readonly macroF1: EstimatedMetric;
  readonly perClass: readonly ClassEstimate[];
}

/**
 * fitMulticlassCalibrator fits the top and rest calibrators of each class.
 *
 * @example
 * const cal = fitMulticlassCalibrator(['a', 'b'], [
 *   { top: [{ score: 0.8, pos: 8, neg: 2 }], rest: [{ score: 0.2, pos: 1, neg: 9 }] },
 *   { top: [{ score: 0.8, pos: 9, neg: 1 }], rest: [{ score: 0.2, pos: 2, neg: 8 }] },
 * ]);
 */
export function fitMulticlassCalibrator(
  classes: readonly string[],
  reference: readonly ClassScoreCounts[],
  options: CalibratorOptions = {},
): MulticlassCalibrator {
  if (classes.length !== reference.length) {
    throw new RangeError(`${classes.length} classes but ${reference.length} reference entries`);
  }
  return {
    classes,
    top: reference.map((r) => fitCalibrator(r.top, options)),
    rest: reference.map((r) => fitCalibrator(r.rest, options)),
  };
}

/**
 * estimateMulticlass estimates accuracy and macro F1 of the current period.
 *
 * @example
 * // with `cal` from fitMulticlassCalibrator's example: 10 rows predicted a, 10 predicted b
 * estimateMulticlass(cal, [
 *   { top: [{ score: 0.8, count: 10 }], rest: [{ score: 0.2, count: 10 }] },
 *   { top: [{ score: 0.8, count: 10 }], rest: [{ score: 0.2, count: 10 }] },
 * ]).accuracy.value; // 0.85
 */
export function estimateMulticlass(
  calibrator: MulticlassCalibrator,
  current: readonly ClassScoreFrequencies[],
  options: { readonly level?: number } = {},
): MulticlassEstimate {
  const k = calibrator.classes.length;
  if (current.length !== k) throw new RangeError(`${k} classes but ${current.length} current entries`);
  const z = zForLevel(options.level ?? DEFAULT_LEVEL);
  const perClassRows = current.map((c, i) => ({
    top: calibratedRows(calibrator.top[i]!, c.top),
    rest: calibratedRows(calibrator.rest[i]!, c.rest),
  }));
  let n = 0;
  let correct = 0;
  for (const { top } of perClassRows) {
    for (const r of top) {
      n += r.n;
      correct += r.n * r.w.p;
    }
  }
  const accuracy = n > 0 ? correct / n : Number.NaN;
  let accuracyVar = 0;
  const cells = perClassRows.map(({ top, rest }) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const r of top) {
      tp += r.n * r.w.p;
      fp += r.n * (1 - r.w.p);
    }
    for (const r of rest) fn += r.n * r.w.p;
    const d = 2 * tp + fp + fn;
    // ∂F1/∂y for a row predicted this class (TP up, FP down) and for one predicted otherwise (FN up).
    return { tp, fp, fn, d, onTop: (2 * (tp + fp + fn)) / d ** 2, onRest: (2 * tp) / d ** 2 };
  });
  let f1Sum = 0;
  let f1Var = 0;
  const perClass: ClassEstimate[] = [];
  perClassRows.forEach(({ top, rest }, i) => {
    // i < k: the arrays were built from `current`, whose length is k.
    const topCal = calibrator.top[i]!;
    const restCal = calibrator.rest[i]!;
    const { tp, fp, fn, d, onTop, onRest } = cells[i]!;
    const topSide = sideTotals(topCal, top);
    accuracyVar += sidesVariance(topCal, [[topSide, 1 / n]]);
    const f1 = d > 0 ? (2 * tp) / d : Number.NaN;
    perClass.push({
      label: calibrator.classes[i]!,
      precision: tp + fp > 0 ? tp / (tp + fp) : Number.NaN,
      recall: tp + fn > 0 ? tp / (tp + fn) : Number.NaN,
      f1,
    });
    f1Sum += f1;
    f1Var +=
      sidesVariance(topCal, [[topSide, onTop]]) +
      sidesVariance(restCal, [[sideTotals(restCal, rest), -onRest]]);
    // Cross term: when a row predicted i is really class j, F1_i loses a TP and F1_j gains an
    // FN, so the classes' errors move together. Without the joint class probabilities of a row
    // we spread its other-class mass 1 − p evenly, which adds 2·onTop_i·mean_j(onRest_j)·p(1 − p).
    let others = 0;
    cells.forEach((c, j) => {
      if (j !== i) others += c.onRest / (k - 1);
    });
    f1Var += 2 * onTop * others * topSide.sampling;
  });
  return {
    count: n,
    accuracy: band(accuracy, n > 0 ? accuracyVar : Number.NaN, z),
    macroF1: band(k > 0 ? f1Sum / k : Number.NaN, f1Var / (k * k), z),
    perClass,
  };
}

function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < scores.length; j++) if (scores[j]! > scores[best]!) best = j;
  return best;
}

function grouped<T>(m: Map<number, T>): [number, T][] {
  return [...m].sort((a, b) => a[0] - b[0]);
}

/**
 * multiclassCountsOf builds the reference input from raw rows: class scores per row (in
 * `classes` order) and the true label. Rows with a NaN score are skipped.
 *
 * @example
 * multiclassCountsOf(['a', 'b'], ['a'], [[0.7, 0.3]])[0]!.top; // [{ score: 0.7, pos: 1, neg: 0 }]
 */
export function multiclassCountsOf(
  classes: readonly string[],
  labels: readonly string[],
  scores: readonly ArrayLike<number>[],
  options: BinningOptions = {},
): ClassScoreCounts[] {
  if (labels.length !== scores.length) throw new RangeError('labels and scores differ in length');
  const round = scoreRounder(options);
  const maps = classes.map(() => ({
    top: new Map<number, { pos: number; neg: number }>(),
    rest: new Map<number, { pos: number; neg: number }>(),
  }));
  scores.forEach((row, i) => {
    if (Array.from(row).some(Number.isNaN)) return;
    const pred = argmax(row);
    maps.forEach((m, k) => {
      const s = round(row[k] ?? Number.NaN);
      const target = k === pred ? m.top : m.rest;
      const e = target.get(s) ?? { pos: 0, neg: 0 };
      if (labels[i] === classes[k]) e.pos++;
      else e.neg++;
      target.set(s, e);
    });
  });
  return maps.map((m) => ({
    top: grouped(m.top).map(([score, c]) => ({ score, ...c })),
    rest: grouped(m.rest).map(([score, c]) => ({ score, ...c })),
  }));
}

/**
 * multiclassFrequenciesOf builds the current input from raw class-score rows.
 *
 * @example
 * multiclassFrequenciesOf(['a', 'b'], [[0.7, 0.3]])[1]!.rest; // [{ score: 0.3, count: 1 }]
 */
export function multiclassFrequenciesOf(
  classes: readonly string[],
  scores: readonly ArrayLike<number>[],
  options: BinningOptions = {},
): ClassScoreFrequencies[] {
  const round = scoreRounder(options);
  const maps = classes.map(() => ({ top: new Map<number, number>(), rest: new Map<number, number>() }));
  for (const row of scores) {
    if (Array.from(row).some(Number.isNaN)) continue;
    const pred = argmax(row);
    maps.forEach((m, k) => {
      const s = round(row[k] ?? Number.NaN);
      const target = k === pred ? m.top : m.rest;
      target.set(s, (target.get(s) ?? 0) + 1);
    });
  }
  return maps.map((m) => ({
    top: grouped(m.top).map(([score, count]) => ({ score, count })),
    rest: grouped(m.rest).map(([score, count]) => ({ score, count })),
  }));
}
