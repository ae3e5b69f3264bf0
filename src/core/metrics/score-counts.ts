/*
 * Threshold-free binary metrics from score counts: rows of (score, positives, negatives), the
 * form ClickHouse returns when it groups labelled predictions by score. The results equal
 * rocAuc / averagePrecision on the expanded rows (ties between a positive and a negative at one
 * score count one half for AUC, as sklearn's trapezoid does; average precision takes each
 * distinct score as one threshold, as sklearn's precision_recall_curve does). No epsilon.
 */

/** ScoreCount is how many positives and negatives share one score. */
export interface ScoreCount {
  readonly score: number;
  readonly pos: number;
  readonly neg: number;
}

/**
 * rocAucFromScoreCounts returns ROC AUC (NaN with no positives or no negatives).
 *
 * @example
 * rocAucFromScoreCounts([{ score: 0.2, pos: 0, neg: 1 }, { score: 0.8, pos: 1, neg: 0 }]); // 1
 */
export function rocAucFromScoreCounts(rows: readonly ScoreCount[]): number {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let negBelow = 0;
  let area = 0;
  let pos = 0;
  for (const r of sorted) {
    area += r.pos * (negBelow + r.neg / 2);
    negBelow += r.neg;
    pos += r.pos;
  }
  return pos === 0 || negBelow === 0 ? Number.NaN : area / (pos * negBelow);
}

/**
 * averagePrecisionFromScoreCounts returns average precision, Σ (R_i − R_{i−1}) P_i over the
 * distinct scores from high to low (0 with no positives, as sklearn returns).
 *
 * @example
 * averagePrecisionFromScoreCounts([{ score: 0.9, pos: 1, neg: 0 }, { score: 0.1, pos: 0, neg: 1 }]); // 1
 */
export function averagePrecisionFromScoreCounts(rows: readonly ScoreCount[]): number {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const positives = sorted.reduce((s, r) => s + r.pos, 0);
  if (positives === 0) return 0;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (const r of sorted) {
    if (r.pos === 0 && r.neg === 0) continue;
    tp += r.pos;
    fp += r.neg;
    ap += (r.pos / positives) * (tp / (tp + fp));
  }
  return ap;
}
