/*
 * Ranking-quality metrics of scores for binary and multiclass targets, as scikit-learn 1.2.
 *
 * - rocAuc: area under the ROC curve with tied scores counted ½ (sklearn's trapezoid over
 *   distinct thresholds), computed as the Mann–Whitney form
 *   AUC = Σ_pos (#neg below + ½ #neg tied) / (P·N) in one merge pass over sorted positive and
 *   negative scores. NaN when only one class is present (sklearn raises "Only one class present
 *   in y_true. ROC AUC score is not defined in that case."), on empty input or a NaN score.
 * - averagePrecision: AP = Σ_n (R_n − R_{n−1}) P_n over distinct thresholds from the highest,
 *   a step function with no interpolation; tied scores form one threshold. With no positives
 *   sklearn 1.2 sets recall to 1 everywhere and returns 0 (with a warning); so does this, as the
 *   reference vectors record. Mathematically it is undefined: callers may prefer to report
 *   "no positives" instead.
 * - rocAucOvr: one-vs-rest AUC of column k vs (y == k), averaged unweighted ('macro') or by
 *   class support ('weighted'). rocAucOvo: Hand & Till (2001) one-vs-one, the mean over class
 *   pairs (a, b) of ½(AUC(a vs b on column a) + AUC(b vs a on column b)) over the rows of a or b.
 *
 * Labels are 0/1 (binary) or class indices 0..K−1 matching the probability columns.
 */
import { sortedWithoutNaN } from '../stats/index.js';

function splitByLabel(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
): [Float64Array, Float64Array] | null {
  if (yTrue.length !== scores.length) {
    throw new RangeError(`inputs differ in length: ${yTrue.length} vs ${scores.length}`);
  }
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]!;
    const s = scores[i]!;
    if (Number.isNaN(s)) return null;
    if (y === 1) pos.push(s);
    else if (y === 0) neg.push(s);
    else throw new RangeError(`binary labels must be 0 or 1, got ${y} at index ${i}`);
  }
  return [sortedWithoutNaN(pos), sortedWithoutNaN(neg)];
}

/**
 * rocAuc returns the ROC AUC of scores for 0/1 labels (NaN when undefined, see above).
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const split = splitByLabel(yTrue, scores);
  if (split === null) return Number.NaN;
  const [pos, neg] = split;
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let j = 0;
  let sum = 0;
  for (let i = 0; i < pos.length; ) {
    const v = pos[i]!;
    let cp = 0;
    // i < pos.length and j < neg.length bound the reads.
    while (i < pos.length && pos[i] === v) {
      cp++;
      i++;
    }
    while (j < neg.length && neg[j]! < v) j++;
    let tied = 0;
    while (j + tied < neg.length && neg[j + tied] === v) tied++;
    sum += cp * (j + tied / 2);
  }
  return sum / (pos.length * neg.length);
}

/**
 * averagePrecision returns sklearn's average precision of scores for 0/1 labels.
 *
 * @example
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333333333333333
 */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const split = splitByLabel(yTrue, scores);
  if (split === null) return Number.NaN;
  const [pos, neg] = split;
  if (pos.length + neg.length === 0) return Number.NaN;
  if (pos.length === 0) return 0;
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  // Walk thresholds from the highest score down; reads are guarded by i ≥ 0 / j ≥ 0.
  while (tp < pos.length) {
    const v = j < 0 || (i >= 0 && pos[i]! >= neg[j]!) ? pos[i]! : neg[j]!;
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    const recall = tp / pos.length;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

function column(probs: ReadonlyArray<ArrayLike<number>>, k: number, rows?: readonly number[]): Float64Array {
  const idx = rows ?? probs.map((_, i) => i);
  return Float64Array.from(idx, (i) => probs[i]![k] ?? Number.NaN);
}

function classCount(probs: ReadonlyArray<ArrayLike<number>>, yTrue: ArrayLike<number>): number {
  if (probs.length !== yTrue.length) throw new RangeError('yTrue and probs differ in length');
  const k = probs[0]?.length ?? 0;
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]!;
    if (!(Number.isInteger(y) && y >= 0 && y < k))
      throw new RangeError(`class index ${y} at row ${i} is not in 0..${k - 1}`);
  }
  return k;
}

/**
 * rocAucOvr returns the one-vs-rest multiclass ROC AUC; NaN when a class is absent.
 *
 * @example
 * rocAucOvr([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]); // 1
 */
export function rocAucOvr(
  yTrue: ArrayLike<number>,
  probs: ReadonlyArray<ArrayLike<number>>,
  options: { readonly average?: 'macro' | 'weighted' } = {},
): number {
  const k = classCount(probs, yTrue);
  let total = 0;
  let weightSum = 0;
  for (let c = 0; c < k; c++) {
    const isC = Float64Array.from({ length: yTrue.length }, (_, i) => (yTrue[i] === c ? 1 : 0));
    const support = isC.reduce((s, x) => s + x, 0);
    const w = options.average === 'weighted' ? support : 1;
    total += w * rocAuc(isC, column(probs, c));
    weightSum += w;
  }
  return k > 0 ? total / weightSum : Number.NaN;
}

/**
 * rocAucOvo returns the Hand & Till one-vs-one multiclass ROC AUC (macro); NaN when a class
 * is absent.
 *
 * @example
 * rocAucOvo([0, 1, 2, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]); // 1
 */
export function rocAucOvo(yTrue: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>): number {
  const k = classCount(probs, yTrue);
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const rows: number[] = [];
      for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === a || yTrue[i] === b) rows.push(i);
      const isA = Float64Array.from(rows, (i) => (yTrue[i] === a ? 1 : 0));
      const isB = isA.map((x) => 1 - x);
      total += (rocAuc(isA, column(probs, a, rows)) + rocAuc(isB, column(probs, b, rows))) / 2;
      pairs++;
    }
  }
  return pairs > 0 ? total / pairs : Number.NaN;
}
