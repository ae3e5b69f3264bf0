/*
 * Per-segment metrics of regression and ranking models with confidence intervals, from sums
 * ClickHouse computes per segment (no rows leave the store). Each metric is a mean of per-row
 * (or per-query) values, so its interval is the normal approximation of a mean:
 * mean ± z · s / √n, s the sample standard deviation (n ≥ 2). RMSE takes the square roots of
 * the MSE interval's ends (clamped at 0); R² = 1 − MSE / Var(y) takes the MSE interval with the
 * segment's own target variance held fixed. Pure: no I/O, no randomness.
 */

/** Z95 is the standard normal quantile of 0.975 (two-sided 95%). */
export const Z95 = 1.959963984540054;

/** Moments of one per-row quantity in a segment. */
export interface Moments {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

export type Interval = readonly [number, number];

/** meanInterval is the mean of the values and its normal-approximation interval (null below 2 rows). */
export function meanInterval(m: Moments, z = Z95): { value: number | null; interval: Interval | null } {
  if (!(m.n > 0)) return { value: null, interval: null };
  const mean = m.sum / m.n;
  if (m.n < 2) return { value: mean, interval: null };
  const variance = Math.max(0, (m.sumSq - m.n * mean * mean) / (m.n - 1));
  const half = (z * Math.sqrt(variance)) / Math.sqrt(m.n);
  return { value: mean, interval: [mean - half, mean + half] };
}

/** RegressionSums are one segment's sums over its labelled predictions (e = prediction − actual). */
export interface RegressionSums {
  /** Rows with both a prediction value and an actual value. */
  readonly n: number;
  /** Σ|e|, Σe². */
  readonly abs: number;
  readonly absSq: number;
  /** Σe², Σe⁴. */
  readonly sq: number;
  readonly sqSq: number;
  /** Σ|e|/|y| and its squares over rows with y ≠ 0, and their count. */
  readonly ape: number;
  readonly apeSq: number;
  readonly nApe: number;
  /** Σy, Σy². */
  readonly sy: number;
  readonly syy: number;
}

export interface MetricsWithIntervals {
  metrics: Record<string, number | null>;
  intervals: Record<string, Interval | null>;
}

/** regressionSegment gives mae, rmse, mape (a fraction, rows with y ≠ 0) and r2 with intervals. */
export function regressionSegment(s: RegressionSums, z = Z95): MetricsWithIntervals {
  if (!(s.n > 0)) return { metrics: {}, intervals: {} };
  const mae = meanInterval({ n: s.n, sum: s.abs, sumSq: s.absSq }, z);
  const mse = meanInterval({ n: s.n, sum: s.sq, sumSq: s.sqSq }, z);
  const mape = meanInterval({ n: s.nApe, sum: s.ape, sumSq: s.apeSq }, z);
  const sst = s.syy - (s.sy * s.sy) / s.n;
  const r2 = sst > 0 ? 1 - s.sq / sst : null;
  const rmse = Math.sqrt(s.sq / s.n);
  return {
    metrics: { mae: mae.value, rmse, mape: mape.value, r2 },
    intervals: {
      mae: mae.interval,
      rmse: mse.interval
        ? [Math.sqrt(Math.max(0, mse.interval[0])), Math.sqrt(Math.max(0, mse.interval[1]))]
        : null,
      mape: mape.interval,
      r2:
        r2 !== null && mse.interval
          ? [1 - (mse.interval[1] * s.n) / sst, 1 - (Math.max(0, mse.interval[0]) * s.n) / sst]
          : null,
    },
  };
}

/** RankingSums are one segment's per-query sums (queries with judgements). */
export interface RankingSums {
  readonly n: number;
  readonly ndcg: number;
  readonly ndcgSq: number;
  readonly ap: number;
  readonly apSq: number;
  readonly rr: number;
  readonly rrSq: number;
}

/** rankingSegment gives ndcg@k, map@k and mrr with intervals. */
export function rankingSegment(s: RankingSums, k: number, z = Z95): MetricsWithIntervals {
  if (!(s.n > 0)) return { metrics: {}, intervals: {} };
  const ndcg = meanInterval({ n: s.n, sum: s.ndcg, sumSq: s.ndcgSq }, z);
  const map = meanInterval({ n: s.n, sum: s.ap, sumSq: s.apSq }, z);
  const mrr = meanInterval({ n: s.n, sum: s.rr, sumSq: s.rrSq }, z);
  return {
    metrics: { [`ndcg@${k}`]: ndcg.value, [`map@${k}`]: map.value, mrr: mrr.value },
    intervals: { [`ndcg@${k}`]: ndcg.interval, [`map@${k}`]: map.interval, mrr: mrr.interval },
  };
}
