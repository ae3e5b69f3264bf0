import { metricsFromConfusion } from '../core/index.js';
import {
  NO_SEGMENT,
  type SegmentQuery,
  type Store,
  segmentBaselineCounts,
  segmentCurrentCounts,
  segmentRankingSums,
  segmentRegressionSums,
} from '../store/index.js';
import type { Task } from './models.js';
import { K } from './performance.js';
import {
  type Interval,
  type MetricsWithIntervals,
  type RankingSums,
  type RegressionSums,
  rankingSegment,
  regressionSegment,
} from './segment-intervals.js';

/** SegmentAggregate is one value of a segmenting tag, as ClickHouse counts it. */
export interface SegmentAggregate {
  value: string;
  baselineCount: number;
  currentCount: number;
  labeled: number;
  confusion: { tp: number; fp: number; tn: number; fn: number } | null;
  metrics: Record<string, number | null>;
  /** Intervals of the metrics of regression and ranking segments (classifiers' come from core/fairness). */
  intervals?: Record<string, Interval | null>;
}

/** NO_VALUE names records that do not carry the tag. */
export const NO_VALUE = NO_SEGMENT;

/**
 * aggregateSegments counts a tag's values in the baseline and the current window and, for the
 * current window's labelled predictions, the confusion counts (binary) or errors (regression)
 * per value — everything grouped inside ClickHouse.
 */
export async function aggregateSegments(
  store: Store,
  opts: SegmentQuery & { task: Task },
): Promise<SegmentAggregate[]> {
  const [baseline, current] = await Promise.all([
    segmentBaselineCounts(store, opts),
    segmentCurrentCounts(store, opts),
  ]);
  const taskMetrics =
    opts.task === 'regression' || opts.task === 'ranking'
      ? await taskSegmentMetrics(store, opts.task, opts)
      : new Map<string, MetricsWithIntervals>();
  const base = new Map(baseline.map((b) => [b.v, Number(b.n)]));
  const values = new Set([...base.keys(), ...current.map((c) => c.v)]);
  const cur = new Map(current.map((c) => [c.v, c]));
  return [...values].sort().map((value) => {
    const c = cur.get(value);
    const confusion =
      opts.task === 'binary' && c
        ? { tp: Number(c.tp), fp: Number(c.fp), tn: Number(c.tn), fn: Number(c.fn) }
        : null;
    let metrics: Record<string, number | null> = {};
    if (confusion && Number(c?.n_labeled) > 0) {
      const m = metricsFromConfusion(confusion);
      metrics = { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
    } else if (opts.task === 'multiclass' && c && Number(c.n_labeled) > 0) metrics = { accuracy: c.acc };
    const own = taskMetrics.get(value);
    if (own) metrics = own.metrics;
    return {
      value,
      baselineCount: base.get(value) ?? 0,
      currentCount: Number(c?.n ?? 0),
      labeled: Number(c?.n_labeled ?? 0),
      confusion,
      metrics,
      ...(own ? { intervals: own.intervals } : {}),
    };
  });
}

/**
 * taskSegmentMetrics gives each segment of a regression or ranking model its task's metrics
 * (regression: mae, rmse, mape, r2; ranking: ndcg@10, map@10, mrr) with normal-approximation
 * intervals (segment-intervals.ts), from per-segment sums computed inside ClickHouse.
 */
async function taskSegmentMetrics(
  store: Store,
  task: 'regression' | 'ranking',
  q: SegmentQuery,
): Promise<Map<string, MetricsWithIntervals>> {
  const out = new Map<string, MetricsWithIntervals>();
  if (task === 'regression') {
    const res = await segmentRegressionSums(store, q);
    for (const r of res) {
      const sums: RegressionSums = {
        n: Number(r.n),
        abs: Number(r.s_abs),
        absSq: Number(r.s_abs2),
        sq: Number(r.s_sq),
        sqSq: Number(r.s_sq2),
        ape: Number(r.s_ape),
        apeSq: Number(r.s_ape2),
        nApe: Number(r.n_ape),
        sy: Number(r.s_y),
        syy: Number(r.s_yy),
      };
      if (sums.n > 0) out.set(r.v, regressionSegment(sums));
    }
    return out;
  }
  const res = await segmentRankingSums(store, q);
  for (const r of res) {
    const sums: RankingSums = {
      n: Number(r.n),
      ndcg: Number(r.s_ndcg),
      ndcgSq: Number(r.s_ndcg2),
      ap: Number(r.s_ap),
      apSq: Number(r.s_ap2),
      rr: Number(r.s_rr),
      rrSq: Number(r.s_rr2),
    };
    if (sums.n > 0) out.set(r.v, rankingSegment(sums, K));
  }
  return out;
}
