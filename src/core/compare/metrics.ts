/*
 * The comparison-metric registry: which metrics each task compares, which direction is better,
 * and which test decides each (paired and unpaired), as data (like core/drift/methods.ts).
 *
 * | task       | metric     | paired test                    | unpaired test               |
 * |------------|------------|--------------------------------|-----------------------------|
 * | binary     | auc        | DeLong paired                  | DeLong unpaired             |
 * | binary     | accuracy   | McNemar                        | bootstrap (independent)     |
 * | binary     | precision, recall, brier, ece | paired bootstrap | bootstrap (independent) |
 * | multiclass | accuracy   | McNemar                        | bootstrap (independent)     |
 * | multiclass | macro_f1   | paired bootstrap               | bootstrap (independent)     |
 * | regression | mae        | Diebold–Mariano, absolute loss | bootstrap (independent)     |
 * | regression | mse        | Diebold–Mariano, squared loss  | bootstrap (independent)     |
 * | regression | rmse, mape | paired bootstrap               | bootstrap (independent)     |
 * | ranking    | ndcg@10, mrr | randomization (sign flip)    | randomization (permutation) |
 *
 * The first metric of each task is its primary metric (the overall verdict and the segment table).
 * Metric values are computed by core/metrics on the records at the given indices.
 */
import {
  brierScore,
  expectedCalibrationError,
  type Label,
  meanReciprocalRank,
  multiclassMetrics,
  ndcgAtK,
  type RankedQuery,
  rocAuc,
} from '../metrics/index.js';

/** CompareTask is the model task of a comparison. */
export type CompareTask = 'binary' | 'multiclass' | 'regression' | 'ranking';

/**
 * ModelSide holds one model's outputs on its records with their targets. binary: target 0/1,
 * score P(y = 1) and/or prediction 0/1; multiclass: target and prediction labels; regression:
 * numeric target and prediction; ranking: one query per record.
 */
export interface ModelSide {
  readonly target: readonly Label[];
  readonly score?: readonly number[] | undefined;
  readonly prediction?: readonly Label[] | undefined;
  readonly queries?: readonly RankedQuery[] | undefined;
}

/** PairedTest and UnpairedTest name the test that decides a metric. */
export type PairedTest = 'delong' | 'mcnemar' | 'bootstrap' | 'dm_absolute' | 'dm_squared' | 'sign_flip';
export type UnpairedTest = 'delong' | 'bootstrap' | 'permutation';

/** CompareMetric describes one comparable metric. */
export interface CompareMetric {
  readonly name: string;
  readonly task: CompareTask;
  readonly higherIsBetter: boolean;
  /** The output the metric needs. */
  readonly needs: 'score' | 'prediction' | 'queries';
  readonly paired: PairedTest;
  readonly unpaired: UnpairedTest;
  /** Per-record values whose mean is the metric (accuracy, errors, per-query scores), if any. */
  readonly unit?: (side: ModelSide, i: number) => number;
  /** The metric on the records at idx. */
  readonly value: (side: ModelSide, idx: ArrayLike<number>) => number;
}

const num = (l: Label) => (typeof l === 'number' ? l : Number(l));
const pick = <T>(xs: readonly T[], idx: ArrayLike<number>): T[] => Array.from(idx, (i) => xs[i]!);

// Resampling calls a metric thousands of times: numeric columns are converted to Float64Array
// once per array (cached by identity) and gathered into typed arrays, not boxed JS arrays.
const asNumbers = new WeakMap<readonly unknown[], Float64Array>();
function numbers(xs: readonly Label[]): Float64Array {
  let out = asNumbers.get(xs);
  if (out === undefined) {
    out = Float64Array.from(xs, num);
    asNumbers.set(xs, out);
  }
  return out;
}
function gather(xs: readonly Label[], idx: ArrayLike<number>): Float64Array {
  const src = numbers(xs);
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = src[idx[k]!]!;
  return out;
}

function meanOf(idx: ArrayLike<number>, f: (i: number) => number): number {
  if (idx.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += f(idx[i]!);
  return s / idx.length;
}

function binaryCounts(side: ModelSide, idx: ArrayLike<number>): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const p = side.prediction!;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const y = num(side.target[i]!) === 1;
    const yhat = num(p[i]!) === 1;
    if (y && yhat) tp++;
    else if (!y && yhat) fp++;
    else if (y && !yhat) fn++;
  }
  return { tp, fp, fn };
}

const correct = (s: ModelSide, i: number) => (s.prediction![i] === s.target[i] ? 1 : 0);
const error = (s: ModelSide, i: number) => num(s.prediction![i]!) - num(s.target[i]!);
const unitMean =
  (m: { unit: (s: ModelSide, i: number) => number }) => (s: ModelSide, idx: ArrayLike<number>) =>
    meanOf(idx, (i) => m.unit(s, i));

const accuracyUnit = { unit: correct };
const absUnit = { unit: (s: ModelSide, i: number) => Math.abs(error(s, i)) };
const sqUnit = { unit: (s: ModelSide, i: number) => error(s, i) ** 2 };
const apeUnit = {
  unit: (s: ModelSide, i: number) =>
    Math.abs(error(s, i)) / Math.max(Math.abs(num(s.target[i]!)), Number.EPSILON),
};
const brierUnit = { unit: (s: ModelSide, i: number) => (s.score![i]! - num(s.target[i]!)) ** 2 };
const ndcgUnit = { unit: (s: ModelSide, i: number) => ndcgAtK([s.queries![i]!], 10) };
const mrrUnit = { unit: (s: ModelSide, i: number) => meanReciprocalRank([s.queries![i]!]) };

/** COMPARE_METRICS lists every comparable metric; each task's first entry is its primary metric. */
export const COMPARE_METRICS: readonly CompareMetric[] = [
  {
    name: 'auc',
    task: 'binary',
    higherIsBetter: true,
    needs: 'score',
    paired: 'delong',
    unpaired: 'delong',
    value: (s, idx) => rocAuc(gather(s.target, idx), gather(s.score!, idx)),
  },
  {
    name: 'accuracy',
    task: 'binary',
    higherIsBetter: true,
    needs: 'prediction',
    paired: 'mcnemar',
    unpaired: 'bootstrap',
    ...accuracyUnit,
    value: unitMean(accuracyUnit),
  },
  {
    name: 'precision',
    task: 'binary',
    higherIsBetter: true,
    needs: 'prediction',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    value: (s, idx) => {
      const c = binaryCounts(s, idx);
      return c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : Number.NaN;
    },
  },
  {
    name: 'recall',
    task: 'binary',
    higherIsBetter: true,
    needs: 'prediction',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    value: (s, idx) => {
      const c = binaryCounts(s, idx);
      return c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : Number.NaN;
    },
  },
  {
    name: 'brier',
    task: 'binary',
    higherIsBetter: false,
    needs: 'score',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    ...brierUnit,
    value: (s, idx) => brierScore(gather(s.target, idx), gather(s.score!, idx)),
  },
  {
    name: 'ece',
    task: 'binary',
    higherIsBetter: false,
    needs: 'score',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    value: (s, idx) =>
      idx.length === 0
        ? Number.NaN
        : expectedCalibrationError(gather(s.target, idx), gather(s.score!, idx)).ece,
  },
  {
    name: 'accuracy',
    task: 'multiclass',
    higherIsBetter: true,
    needs: 'prediction',
    paired: 'mcnemar',
    unpaired: 'bootstrap',
    ...accuracyUnit,
    value: unitMean(accuracyUnit),
  },
  {
    name: 'macro_f1',
    task: 'multiclass',
    higherIsBetter: true,
    needs: 'prediction',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    value: (s, idx) =>
      idx.length === 0
        ? Number.NaN
        : multiclassMetrics(pick(s.target, idx), pick(s.prediction!, idx)).macro.f1,
  },
  {
    name: 'mae',
    task: 'regression',
    higherIsBetter: false,
    needs: 'prediction',
    paired: 'dm_absolute',
    unpaired: 'bootstrap',
    ...absUnit,
    value: unitMean(absUnit),
  },
  {
    name: 'mse',
    task: 'regression',
    higherIsBetter: false,
    needs: 'prediction',
    paired: 'dm_squared',
    unpaired: 'bootstrap',
    ...sqUnit,
    value: unitMean(sqUnit),
  },
  {
    name: 'rmse',
    task: 'regression',
    higherIsBetter: false,
    needs: 'prediction',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    value: (s, idx) => Math.sqrt(unitMean(sqUnit)(s, idx)),
  },
  {
    name: 'mape',
    task: 'regression',
    higherIsBetter: false,
    needs: 'prediction',
    paired: 'bootstrap',
    unpaired: 'bootstrap',
    ...apeUnit,
    value: unitMean(apeUnit),
  },
  {
    name: 'ndcg@10',
    task: 'ranking',
    higherIsBetter: true,
    needs: 'queries',
    paired: 'sign_flip',
    unpaired: 'permutation',
    ...ndcgUnit,
    value: unitMean(ndcgUnit),
  },
  {
    name: 'mrr',
    task: 'ranking',
    higherIsBetter: true,
    needs: 'queries',
    paired: 'sign_flip',
    unpaired: 'permutation',
    ...mrrUnit,
    value: unitMean(mrrUnit),
  },
];

/**
 * metricsFor lists a task's metrics whose needed output both sides have.
 *
 * @example
 * metricsFor('regression', { target: [1], prediction: [1] }, { target: [1], prediction: [2] }).map((m) => m.name);
 * // ['mae', 'mse', 'rmse', 'mape']
 */
export function metricsFor(task: CompareTask, a: ModelSide, b: ModelSide): CompareMetric[] {
  const has = (s: ModelSide, need: CompareMetric['needs']) =>
    need === 'score'
      ? s.score !== undefined
      : need === 'prediction'
        ? s.prediction !== undefined
        : s.queries !== undefined;
  return COMPARE_METRICS.filter((m) => m.task === task && has(a, m.needs) && has(b, m.needs));
}
