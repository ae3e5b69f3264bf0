import { joinSql, num, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { joinedRows, rankingPerQuery } from './performance.js';
import { type RecordWindow, windowWhere } from './record-window.js';

/** NO_SEGMENT names the segment of records that do not carry the tag (or the feature). */
export const NO_SEGMENT = '(none)';

/**
 * SegmentBy says what a record's segment is: the value of a tag, the value of a categorical
 * feature, or the bucket of a numeric feature's value (buckets cut at `edges`, sorted and unique,
 * named by `labels`: one more label than edges). A record without it is NO_SEGMENT.
 */
export type SegmentBy =
  | { tag: string }
  | { feature: string; type: 'categorical' }
  | { feature: string; type: 'numeric'; edges: readonly number[]; labels: readonly string[] };

/** segmentSql is a record's segment as SQL over the record's columns. */
export function segmentSql(by: SegmentBy): Sql {
  const none = str(NO_SEGMENT);
  if ('tag' in by) {
    const t = str(by.tag);
    return sql`if(has(tag_keys, ${t}), tag_values[indexOf(tag_keys, ${t})], ${none})`;
  }
  const k = str(by.feature);
  const numValue = sql`num_values[indexOf(num_keys, ${k})]`;
  if (by.type === 'categorical')
    return sql`multiIf(has(cat_keys, ${k}), cat_values[indexOf(cat_keys, ${k})], has(num_keys, ${k}), toString(${numValue}), ${none})`;
  const cases = by.edges.map((e, i) => sql`${numValue} < ${num(e)}, ${str(by.labels[i] ?? '')}`);
  const last = str(by.labels[by.labels.length - 1] ?? '');
  return sql`multiIf(NOT has(num_keys, ${k}), ${none}, ${joinSql([...cases, last], ', ')})`;
}

/** SegmentQuery: a model's baseline and current window, split by `by`. */
export interface SegmentQuery {
  project: string;
  model: string;
  by: SegmentBy;
  baseline: RecordWindow;
  current: RecordWindow;
  /** positiveLabel and threshold: how a binary classifier's prediction reads (default '1', 0.5). */
  positiveLabel?: string | undefined;
  threshold?: number | undefined;
}

/** segmentBaselineCounts counts the baseline's records per segment (read FINAL). */
export function segmentBaselineCounts(
  store: Store,
  q: SegmentQuery,
): Promise<Array<{ v: string; n: number }>> {
  return store.query<{ v: string; n: number }>(
    sql`SELECT ${segmentSql(q.by)} AS v, count() AS n FROM ${store.table('records')} FINAL
     WHERE ${windowWhere(q.project, q.model, q.baseline)} GROUP BY v`,
  );
}

/**
 * currentRows are the current window's predictions with their actuals and segment (`seg`). A
 * feature's segment is read FINAL whatever the window says (the join carries no features).
 */
function currentRows(store: Store, q: SegmentQuery): Sql {
  const window = 'tag' in q.by ? q.current : { ...q.current, final: true };
  return joinedRows(store, { project: q.project, model: q.model, window }, segmentSql(q.by));
}

export interface SegmentCurrentRow {
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
}

/**
 * segmentCurrentCounts gives, per segment of the current window, its records, its labelled
 * ones, and over its labelled predictions the confusion counts (binary), errors (regression) and
 * accuracy (multiclass).
 */
export function segmentCurrentCounts(store: Store, q: SegmentQuery): Promise<SegmentCurrentRow[]> {
  const positive = str(q.positiveLabel ?? '1');
  const threshold = num(q.threshold ?? 0.5);
  return store.query<SegmentCurrentRow>(
    sql`SELECT v, count() AS n, countIf(labeled AND usable) AS n_labeled,
            countIf(usable AND y = 1 AND yhat = 1) AS tp, countIf(usable AND y = 0 AND yhat = 1) AS fp,
            countIf(usable AND y = 0 AND yhat = 0) AS tn, countIf(usable AND y = 1 AND yhat = 0) AS fn,
            avgIf(abs(err), isNotNull(err)) AS mae, sqrt(avgIf(err * err, isNotNull(err))) AS rmse,
            avgIf(toFloat64(same), labeled AND isNotNull(y_label)) AS acc
     FROM (SELECT seg AS v, labeled, y_label,
                  labeled AND isNotNull(y_label) AND (isNotNull(pred_score) OR isNotNull(pred_label)) AS usable,
                  toUInt8(ifNull(y_label, '') = ${positive}) AS y,
                  if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold})) AS yhat,
                  if(labeled AND isNotNull(y_value) AND isNotNull(pred_value), assumeNotNull(pred_value) - assumeNotNull(y_value), NULL) AS err,
                  toUInt8(ifNull(pred_label, '') = ifNull(y_label, '')) AS same
           FROM (${currentRows(store, q)}))
     GROUP BY v`,
  );
}

export type SegmentRegressionRow = { v: string; n: number; n_ape: number } & Record<
  `s_${'abs' | 'abs2' | 'sq' | 'sq2' | 'ape' | 'ape2' | 'y' | 'yy'}`,
  number
>;

/** segmentRegressionSums: per segment, the sums a regression model's metric intervals need. */
export function segmentRegressionSums(store: Store, q: SegmentQuery): Promise<SegmentRegressionRow[]> {
  return store.query<SegmentRegressionRow>(
    sql`SELECT v, countIf(u) AS n, sumIf(abs(e), u) AS s_abs, sumIf(e * e, u) AS s_abs2,
              sumIf(e * e, u) AS s_sq, sumIf(e * e * e * e, u) AS s_sq2,
              sumIf(abs(e) / abs(y), u AND y != 0) AS s_ape, sumIf((e * e) / (y * y), u AND y != 0) AS s_ape2,
              countIf(u AND y != 0) AS n_ape, sumIf(y, u) AS s_y, sumIf(y * y, u) AS s_yy
       FROM (SELECT seg AS v, labeled AND isNotNull(y_value) AND isNotNull(pred_value) AS u,
                    ifNull(y_value, 0) AS y, ifNull(pred_value, 0) - y AS e
             FROM (${currentRows(store, q)}))
       GROUP BY v`,
  );
}

export type SegmentRankingRow = { v: string; n: number } & Record<
  `s_${'ndcg' | 'ndcg2' | 'ap' | 'ap2' | 'rr' | 'rr2'}`,
  number
>;

/** segmentRankingSums: per segment, the sums a ranking model's metric intervals need. */
export function segmentRankingSums(store: Store, q: SegmentQuery): Promise<SegmentRankingRow[]> {
  return store.query<SegmentRankingRow>(
    sql`SELECT b AS v, countIf(u) AS n, sumIf(ndcg, u) AS s_ndcg, sumIf(ndcg * ndcg, u) AS s_ndcg2,
            sumIf(ap, u) AS s_ap, sumIf(ap * ap, u) AS s_ap2, sumIf(rr, u) AS s_rr, sumIf(rr * rr, u) AS s_rr2
     FROM (${rankingPerQuery(currentRows(store, q), sql`seg`)})
     GROUP BY b`,
  );
}

/** FeatureInWindow: one feature of a model in a window. */
export interface FeatureInWindow {
  project: string;
  model: string;
  window: RecordWindow;
  name: string;
}

/** featureKindCounts counts a window's records (FINAL) carrying the feature as a number and as a string. */
export async function featureKindCounts(
  store: Store,
  q: FeatureInWindow,
): Promise<{ num: number; cat: number }> {
  const k = str(q.name);
  const [r] = await store.query<{ n_num: number; n_cat: number }>(
    sql`SELECT countIf(has(num_keys, ${k})) AS n_num, countIf(has(cat_keys, ${k})) AS n_cat
       FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)}`,
  );
  return { num: Number(r?.n_num ?? 0), cat: Number(r?.n_cat ?? 0) };
}

/**
 * featureQuantiles gives the i/buckets quantiles (i = 1 … buckets − 1) of a numeric feature's
 * values in a window (quantilesExact: actual values, the same on both engines).
 */
export async function featureQuantiles(
  store: Store,
  q: FeatureInWindow & { buckets: number },
): Promise<number[]> {
  const k = str(q.name);
  const qs = joinSql(
    Array.from({ length: q.buckets - 1 }, (_, i) => num((i + 1) / q.buckets)),
    ', ',
  );
  const [r] = await store.query<{ e: number[] }>(
    sql`SELECT quantilesExact(${qs})(v) AS e FROM (SELECT num_values[indexOf(num_keys, ${k})] AS v FROM ${store.table('records')} FINAL
     WHERE ${windowWhere(q.project, q.model, q.window)} AND has(num_keys, ${k}))`,
  );
  return (r?.e ?? []).map(Number);
}
