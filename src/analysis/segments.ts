import { metricsFromConfusion } from '../core/index.js';
import { num, type Store, str, type TableName } from '../store/index.js';
import type { Task } from './models.js';
import { joinedRows, K, rankingPerQuery } from './performance.js';
import {
  type Interval,
  type MetricsWithIntervals,
  type RankingSums,
  type RegressionSums,
  rankingSegment,
  regressionSegment,
} from './segment-intervals.js';
import { type Window, windowWhere } from './windows.js';

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

/**
 * segmentedRecords is `store` with its records table replaced by the window's records (read
 * FINAL) whose tags are one value: the segment, `valueSql` evaluated on the record. The join
 * of predictions and actuals (joinedRows) carries tags but not features, so a feature's segment
 * rides through it as the first tag value; the view holds every column joinedRows reads.
 */
function segmentedRecords(store: Store, valueSql: string, project: string, model: string, w: Window): Store {
  const view = `(SELECT project, model, environment, version, id, ts, ['segment'] AS tag_keys,
      [${valueSql}] AS tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores,
      pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual
    FROM ${store.table('records')} FINAL WHERE ${windowWhere(project, model, w)})`;
  return new Proxy(store, {
    get(target, key) {
      if (key === 'table') return (name: TableName) => (name === 'records' ? view : target.table(name));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** NO_VALUE names records that do not carry the tag. */
export const NO_VALUE = '(none)';

/**
 * aggregateSegments counts a tag's values in the baseline and the current window and, for the
 * current window's labelled predictions, the confusion counts (binary) or errors (regression)
 * per value — everything grouped inside ClickHouse.
 */
export async function aggregateSegments(
  store: Store,
  opts: {
    project: string;
    model: string;
    task: Task;
    tag: string;
    /**
     * valueSql, when given, is the segment of a record as SQL over its columns (a bucketed
     * feature: segments-feature.ts) instead of the tag `tag`'s value.
     */
    valueSql?: string | undefined;
    baseline: Window;
    current: Window;
    positiveLabel?: string | undefined;
    threshold?: number | undefined;
  },
): Promise<SegmentAggregate[]> {
  const tagValue =
    opts.valueSql ??
    `if(has(tag_keys, ${str(opts.tag)}), tag_values[indexOf(tag_keys, ${str(opts.tag)})], ${str(NO_VALUE)})`;
  const baseline = await store.query<{ v: string; n: number }>(
    `SELECT ${tagValue} AS v, count() AS n FROM ${store.table('records')} FINAL
     WHERE ${windowWhere(opts.project, opts.model, opts.baseline)} GROUP BY v`,
  );
  const rows =
    opts.valueSql === undefined
      ? joinedRows(store, { ...opts, window: opts.current, granularity: 'all' })
      : joinedRows(segmentedRecords(store, opts.valueSql, opts.project, opts.model, opts.current), {
          ...opts,
          window: { ...opts.current, final: false },
          granularity: 'all',
        });
  const positive = str(opts.positiveLabel ?? '1');
  const threshold = num(opts.threshold ?? 0.5);
  const current = await store.query<{
    v: string;
    n: number;
    n_labeled: number;
    tp: number;
    fp: number;
    tn: number;
    fn: number;
    mae: number | null;
    rmse: number | null;
    acc: number | null;
  }>(
    `SELECT v, count() AS n, countIf(labeled AND usable) AS n_labeled,
            countIf(usable AND y = 1 AND yhat = 1) AS tp, countIf(usable AND y = 0 AND yhat = 1) AS fp,
            countIf(usable AND y = 0 AND yhat = 0) AS tn, countIf(usable AND y = 1 AND yhat = 0) AS fn,
            avgIf(abs(err), isNotNull(err)) AS mae, sqrt(avgIf(err * err, isNotNull(err))) AS rmse,
            avgIf(toFloat64(same), labeled AND isNotNull(y_label)) AS acc
     FROM (SELECT ${opts.valueSql === undefined ? tagValue : 'tag_values[1]'} AS v, labeled, y_label,
                  labeled AND isNotNull(y_label) AND (isNotNull(pred_score) OR isNotNull(pred_label)) AS usable,
                  toUInt8(ifNull(y_label, '') = ${positive}) AS y,
                  if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold})) AS yhat,
                  if(labeled AND isNotNull(y_value) AND isNotNull(pred_value), assumeNotNull(pred_value) - assumeNotNull(y_value), NULL) AS err,
                  toUInt8(ifNull(pred_label, '') = ifNull(y_label, '')) AS same
           FROM (${rows}))
     GROUP BY v`,
  );
  const taskMetrics =
    opts.task === 'regression' || opts.task === 'ranking'
      ? await taskSegmentMetrics(
          store,
          opts.task,
          rows,
          opts.valueSql === undefined ? tagValue : 'tag_values[1]',
        )
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
  rows: string,
  keySql: string,
): Promise<Map<string, MetricsWithIntervals>> {
  const out = new Map<string, MetricsWithIntervals>();
  if (task === 'regression') {
    const res = await store.query<
      { v: string; n: number; n_ape: number } & Record<
        `s_${'abs' | 'abs2' | 'sq' | 'sq2' | 'ape' | 'ape2' | 'y' | 'yy'}`,
        number
      >
    >(
      `SELECT v, countIf(u) AS n, sumIf(abs(e), u) AS s_abs, sumIf(e * e, u) AS s_abs2,
              sumIf(e * e, u) AS s_sq, sumIf(e * e * e * e, u) AS s_sq2,
              sumIf(abs(e) / abs(y), u AND y != 0) AS s_ape, sumIf((e * e) / (y * y), u AND y != 0) AS s_ape2,
              countIf(u AND y != 0) AS n_ape, sumIf(y, u) AS s_y, sumIf(y * y, u) AS s_yy
       FROM (SELECT ${keySql} AS v, labeled AND isNotNull(y_value) AND isNotNull(pred_value) AS u,
                    ifNull(y_value, 0) AS y, ifNull(pred_value, 0) - y AS e
             FROM (${rows}))
       GROUP BY v`,
    );
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
  const res = await store.query<
    { v: string; n: number } & Record<`s_${'ndcg' | 'ndcg2' | 'ap' | 'ap2' | 'rr' | 'rr2'}`, number>
  >(
    `SELECT b AS v, countIf(u) AS n, sumIf(ndcg, u) AS s_ndcg, sumIf(ndcg * ndcg, u) AS s_ndcg2,
            sumIf(ap, u) AS s_ap, sumIf(ap * ap, u) AS s_ap2, sumIf(rr, u) AS s_rr, sumIf(rr * rr, u) AS s_rr2
     FROM (${rankingPerQuery(rows, keySql)})
     GROUP BY b`,
  );
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
