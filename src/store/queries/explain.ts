import { int, joinSql, num, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { joinedRows } from './performance.js';
import { type RecordWindow, windowWhere } from './record-window.js';
import { type SegmentBy, segmentSql } from './segments.js';

/*
 * Contribution analysis ("why did it move", analysis/explain.ts): per segment of one dimension and
 * per window, the units of a metric's denominator and the sums of its per-unit value — one query
 * per dimension over both windows — plus, for drift attribution, the record counts and the
 * model's score sums per segment.
 */

/** ExplainMetric names what is decomposed; every one is a mean of a per-unit value (or a count). */
export type ExplainMetric =
  | 'volume'
  | 'prediction_rate'
  | 'mean_score'
  | 'mean_prediction'
  | 'accuracy'
  | 'precision'
  | 'recall'
  | 'estimated_accuracy'
  | 'mae'
  | 'mse'
  | 'bias';

/** EXPLAIN_LABELLED: metrics that need the actuals joined. */
export const EXPLAIN_LABELLED: ReadonlySet<ExplainMetric> = new Set([
  'accuracy',
  'precision',
  'recall',
  'mae',
  'mse',
  'bias',
]);

export type ExplainTask = 'binary' | 'multiclass' | 'regression' | 'ranking';

export interface ExplainQuery {
  project: string;
  model: string;
  task: ExplainTask;
  metric: ExplainMetric;
  /** The dimensions: every record counts once in each (as its segment of that dimension). */
  by: readonly SegmentBy[];
  baseline: RecordWindow;
  current: RecordWindow;
  positiveLabel?: string | undefined;
  threshold?: number | undefined;
  /** Actuals that arrived after this time are ignored (alerts evaluated as of a time). */
  labelsAsOfMs?: number | undefined;
  /** At most this many segment × window rows per dimension come back (the caller skips a dimension that hits it). */
  limit: number;
}

/** ExplainSegmentRow: one segment (v) of dimension d (its index in `by`) in one window (w: 0 baseline, 1 current). */
export interface ExplainSegmentRow {
  d: number;
  w: number;
  v: string;
  /** Records. */
  c: number;
  /** Units of the metric's denominator, Σ value, Σ value². */
  n: number;
  s: number;
  q: number;
  /** Records with a model score (binary score, regression value, top class score), Σ score, Σ score². */
  pn: number;
  ps: number;
  pq: number;
}

/** unlabelledRows: the window's predictions with the joinedRows columns, without the actuals join. */
function unlabelledRows(store: Store, project: string, model: string, window: RecordWindow, seg: Sql): Sql {
  return sql`SELECT ts, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores, ${seg} AS seg,
      toUInt8(0) AS labeled, CAST(NULL AS Nullable(String)) AS y_label, CAST(NULL AS Nullable(Float64)) AS y_value
    FROM ${store.table('records')} FINAL WHERE ${windowWhere(project, model, window)}`;
}

/** metricSql: whether a row is a unit of the metric (e) and its value (y), over joinedRows columns. */
function metricSql(q: ExplainQuery): { e: Sql; y: Sql } {
  const positive = str(q.positiveLabel ?? '1');
  const threshold = num(q.threshold ?? 0.5);
  const yhat = sql`if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold}))`;
  const ytrue = sql`toUInt8(ifNull(y_label, '') = ${positive})`;
  const predicted = sql`(isNotNull(pred_score) OR isNotNull(pred_label))`;
  const usable = sql`(labeled AND isNotNull(y_label) AND ${predicted})`;
  const regressed = sql`(labeled AND isNotNull(y_value) AND isNotNull(pred_value))`;
  const err = sql`(ifNull(pred_value, 0) - ifNull(y_value, 0))`;
  const score = sql`ifNull(pred_score, 0)`;
  switch (q.metric) {
    case 'volume':
      return { e: sql`1`, y: sql`1` };
    case 'prediction_rate':
      return { e: predicted, y: yhat };
    case 'mean_score':
      return { e: sql`isNotNull(pred_score)`, y: score };
    case 'mean_prediction':
      return { e: sql`isNotNull(pred_value)`, y: sql`ifNull(pred_value, 0)` };
    case 'accuracy': {
      if (q.task === 'multiclass') {
        const top = sql`if(isNull(pred_label) AND notEmpty(pred_class_keys), pred_class_keys[indexOf(pred_class_scores, arrayReduce('max', pred_class_scores))], ifNull(pred_label, ''))`;
        return { e: sql`(labeled AND isNotNull(y_label))`, y: sql`toUInt8(${top} = ifNull(y_label, ''))` };
      }
      return { e: usable, y: sql`toUInt8(${ytrue} = ${yhat})` };
    }
    case 'precision':
      return { e: sql`(${usable} AND ${yhat} = 1)`, y: ytrue };
    case 'recall':
      return { e: sql`(${usable} AND ${ytrue} = 1)`, y: yhat };
    case 'estimated_accuracy':
      // The expected accuracy of calibrated scores: P(correct) = p when predicting positive, else 1 − p.
      return { e: sql`isNotNull(pred_score)`, y: sql`if(${yhat} = 1, ${score}, 1 - ${score})` };
    case 'mae':
      return { e: regressed, y: sql`abs(${err})` };
    case 'mse':
      return { e: regressed, y: sql`${err} * ${err}` };
    case 'bias':
      return { e: regressed, y: err };
  }
}

/** scoreSql: the model's own output per record, whose dependence on a feature estimates importance. */
function scoreSql(task: ExplainTask): { has: Sql; p: Sql } {
  if (task === 'regression') return { has: sql`isNotNull(pred_value)`, p: sql`ifNull(pred_value, 0)` };
  if (task === 'multiclass')
    return {
      has: sql`notEmpty(pred_class_scores)`,
      p: sql`if(notEmpty(pred_class_scores), arrayReduce('max', pred_class_scores), 0)`,
    };
  if (task === 'binary') return { has: sql`isNotNull(pred_score)`, p: sql`ifNull(pred_score, 0)` };
  return { has: sql`0`, p: sql`0` };
}

/**
 * explainSegmentSums: per dimension, segment and window, the records, the metric's units and
 * sums, and the score sums — one query over both windows and every dimension (each record is
 * read once and counted in each dimension's segment; at most `limit` rows per dimension).
 */
export function explainSegmentSums(store: Store, q: ExplainQuery): Promise<ExplainSegmentRow[]> {
  const seg = sql`[${joinSql(
    q.by.map((by, i) => sql`tuple(toUInt16(${int(i)}), ${segmentSql(by)})`),
    ', ',
  )}]`;
  const labelled = EXPLAIN_LABELLED.has(q.metric);
  // A feature's segment is read FINAL whatever the window says (the join carries no features).
  const rows = (window: RecordWindow) =>
    labelled
      ? joinedRows(
          store,
          {
            project: q.project,
            model: q.model,
            window: { ...window, final: true },
            labelsAsOfMs: q.labelsAsOfMs,
          },
          seg,
        )
      : unlabelledRows(store, q.project, q.model, window, seg);
  const { e, y } = metricSql(q);
  const { has, p } = scoreSql(q.task);
  return store.query<ExplainSegmentRow>(
    sql`SELECT d, w, v, count() AS c, sum(e) AS n, sumIf(y, e = 1) AS s, sumIf(y * y, e = 1) AS q,
            sum(hp) AS pn, sumIf(p, hp = 1) AS ps, sumIf(p * p, hp = 1) AS pq
     FROM (SELECT w, arrayJoin(seg) AS dv, dv.1 AS d, dv.2 AS v, e, y, hp, p
           FROM (SELECT w, seg, toUInt8(${e}) AS e, toFloat64(${y}) AS y, toUInt8(${has}) AS hp, toFloat64(${p}) AS p
                 FROM (SELECT toUInt8(0) AS w, * FROM (${rows(q.baseline)})
                       UNION ALL
                       SELECT toUInt8(1) AS w, * FROM (${rows(q.current)}))))
     GROUP BY d, w, v ORDER BY d, c DESC, v LIMIT ${int(q.limit)} BY d`,
  );
}

/** ExplainFeatureRow: one feature of a window — how often it is a number or a string, and its quantiles. */
export interface ExplainFeatureRow {
  k: string;
  n_num: number;
  n_cat: number;
  e: number[];
}

/**
 * explainFeatures lists a window's features (the `limit` most frequent), each with how many
 * records carry it as a number and as a string, and the i/buckets quantiles of its numeric values
 * (quantilesExact, the same on both engines) — one query for every feature.
 */
export function explainFeatures(
  store: Store,
  q: { project: string; model: string; window: RecordWindow; buckets: number; limit: number },
): Promise<ExplainFeatureRow[]> {
  const qs = joinSql(
    Array.from({ length: q.buckets - 1 }, (_, i) => num((i + 1) / q.buckets)),
    ', ',
  );
  return store.query<ExplainFeatureRow>(
    sql`SELECT k, countIf(isnum = 1) AS n_num, countIf(isnum = 0) AS n_cat, quantilesExactIf(${qs})(x, isnum = 1) AS e
     FROM (SELECT arrayJoin(arrayConcat(arrayMap((a, b) -> (a, toUInt8(1), b), num_keys, num_values),
                                        arrayMap(a -> (a, toUInt8(0), toFloat64(0)), cat_keys))) AS t,
                  t.1 AS k, t.2 AS isnum, t.3 AS x
           FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)})
     GROUP BY k ORDER BY count() DESC, k LIMIT ${int(q.limit)}`,
  );
}
