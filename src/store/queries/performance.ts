import type { TimeBucket } from '../../shared/index.js';
import { int, num, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { fin, type RecordWindow, windowWhere } from './record-window.js';
import { bucketStartSql } from './time-buckets.js';

/** LabelledWindow: a window's predictions, each with its actual (see joinedRows). */
export interface LabelledWindow {
  project: string;
  model: string;
  window: RecordWindow;
  /** labelsAsOfMs ignores actuals that arrived after this time (replays and backtests). */
  labelsAsOfMs?: number | undefined;
}

/** PerformanceQuery: a labelled window, its time buckets and how a binary score reads as a label. */
export interface PerformanceQuery extends LabelledWindow {
  granularity: Extract<TimeBucket, 'hour' | 'day' | 'all'>;
  /** positiveLabel of a binary classifier (default '1'). */
  positiveLabel?: string | undefined;
  /** threshold turns a binary score into a predicted label (default 0.5). */
  threshold?: number | undefined;
}

/** RANKING_K is the cut-off of the ranking metrics (ndcg@10, map@10, recall@10). */
export const RANKING_K = 10;

/** Float64 machine epsilon: clipping as sklearn's log loss, p in [eps, 1 - eps]. */
const EPS = sql`2.220446049250313e-16`;

/**
 * joinedRows is one row per prediction of the window with its actual: from the `actuals` table
 * when one arrived (the later word wins), else the one sent inline with the record. `segment`,
 * when given, is a column `seg` computed over the record's columns.
 */
export function joinedRows(store: Store, q: LabelledWindow, segment?: Sql): Sql {
  const asOf = q.labelsAsOfMs === undefined ? sql`` : sql` AND ts <= ${int(q.labelsAsOfMs)}`;
  const seg = segment === undefined ? sql`` : sql`, ${segment} AS seg`;
  const segOut = segment === undefined ? sql`` : sql` seg,`;
  return sql`SELECT ts, tag_keys, tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores, pred_ranking,${segOut}
      found OR has_actual = 1 AS labeled,
      if(found, a_label, act_label) AS y_label,
      if(found, a_value, act_value) AS y_value,
      if(found, a_rel_keys, act_rel_keys) AS y_rel_keys,
      if(found, a_rel_values, act_rel_values) AS y_rel_values
    FROM (SELECT project, model, id, ts, tag_keys, tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores,
                 pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual${seg}
          FROM ${store.table('records')}${fin(q.window)} WHERE ${windowWhere(q.project, q.model, q.window)}) AS r
    ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, act_value AS a_value,
                          act_rel_keys AS a_rel_keys, act_rel_values AS a_rel_values
                   FROM ${store.table('actuals')} FINAL
                   WHERE project = ${str(q.project)} AND model = ${str(q.model)}${asOf}) AS a
    USING (project, model, id)`;
}

export interface BinaryBucketRow {
  b: number;
  n: number;
  labeled: number;
  usable: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  scored: number;
  ll: number;
  brier: number;
  /** scores: (score at 1e-6, positives, negatives) of the bucket's scored rows. */
  scores: Array<[number, number, number]>;
  /** calib: (calibration bin, rows, sum of scores, positives) of 10 equal-width bins. */
  calib: Array<[number, number, number, number]>;
}

/**
 * binaryBuckets: per bucket, a binary classifier's confusion counts, log loss and Brier sums,
 * and its scores' counts. Rows are grouped by bucket, score (at 1e-6, so AUC and PR AUC are exact
 * for scores with up to 6 decimals) and calibration bin (10 equal-width bins, 1.0 in the last:
 * the reference vectors' convention); each group carries its own exact confusion counts and
 * sums, and the outer level gathers a bucket's groups into arrays, so one row comes back per bucket.
 */
export function binaryBuckets(store: Store, q: PerformanceQuery): Promise<BinaryBucketRow[]> {
  const positive = str(q.positiveLabel ?? '1');
  const threshold = num(q.threshold ?? 0.5);
  const pc = sql`greatest(least(assumeNotNull(p), 1 - ${EPS}), ${EPS})`;
  return store.query<BinaryBucketRow>(
    sql`SELECT b, sum(n) AS n, sum(nl) AS labeled, sum(nu) AS usable, sum(tp) AS tp, sum(fp) AS fp, sum(tn) AS tn,
            sum(fn) AS fn, sum(ns) AS scored, sum(ll) AS ll, sum(brier) AS brier,
            groupArrayIf((s, pos, neg), ns > 0) AS scores, groupArrayIf((cbin, ns, conf, acc), ns > 0) AS calib
     FROM (
       SELECT b, s, cbin, count() AS n, countIf(labeled) AS nl, countIf(u) AS nu,
              countIf(u AND y = 1 AND yhat = 1) AS tp, countIf(u AND y = 0 AND yhat = 1) AS fp,
              countIf(u AND y = 0 AND yhat = 0) AS tn, countIf(u AND y = 1 AND yhat = 0) AS fn,
              countIf(scored) AS ns, countIf(scored AND y = 1) AS pos, countIf(scored AND y = 0) AS neg,
              sumIf(-(y * log(${pc}) + (1 - y) * log(1 - ${pc})), scored) AS ll,
              sumIf(pow(assumeNotNull(p) - y, 2), scored) AS brier,
              sumIf(assumeNotNull(p), scored) AS conf, sumIf(y, scored) AS acc
       FROM (
         SELECT ${bucketStartSql(q.granularity)} AS b, labeled,
                labeled AND isNotNull(y_label) AND (isNotNull(pred_score) OR isNotNull(pred_label)) AS u,
                toUInt8(ifNull(y_label, '') = ${positive}) AS y,
                if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold})) AS yhat,
                pred_score AS p, u AND isNotNull(p) AS scored,
                if(scored, round(assumeNotNull(p), 6), -1) AS s,
                if(scored, least(toUInt8(floor(assumeNotNull(p) * 10)), 9), 255) AS cbin
         FROM (${joinedRows(store, q)}))
       GROUP BY b, s, cbin)
     GROUP BY b`,
  );
}

export interface MulticlassBuckets {
  volume: Array<{ b: number; n: number; labeled: number }>;
  /** pairs: per bucket, the labelled rows per (actual, predicted) class. */
  pairs: Array<{ b: number; y: string; yhat: string; n: number }>;
  /** losses: per bucket, the rows with a score for their actual class and their log-loss sum. */
  losses: Array<{ b: number; scored: number; ll: number }>;
}

/** multiclassBuckets: per bucket, a multiclass model's volume, class pairs and log loss. */
export async function multiclassBuckets(store: Store, q: PerformanceQuery): Promise<MulticlassBuckets> {
  const rows = joinedRows(store, q);
  const bucket = bucketStartSql(q.granularity);
  const labeled = sql`(SELECT ${bucket} AS b, assumeNotNull(y_label) AS y,
      if(isNull(pred_label) AND notEmpty(pred_class_keys),
         pred_class_keys[indexOf(pred_class_scores, arrayReduce('max', pred_class_scores))], ifNull(pred_label, '')) AS yhat,
      if(indexOf(pred_class_keys, y) > 0, pred_class_scores[indexOf(pred_class_keys, y)], NULL) AS p_true
    FROM (${rows}) WHERE labeled AND isNotNull(y_label))`;
  const [volume, pairs, losses] = await Promise.all([
    store.query<{ b: number; n: number; labeled: number }>(
      sql`SELECT ${bucket} AS b, count() AS n, countIf(labeled) AS labeled FROM (${rows}) GROUP BY b`,
    ),
    store.query<{ b: number; y: string; yhat: string; n: number }>(
      sql`SELECT b, y, yhat, count() AS n FROM ${labeled} GROUP BY b, y, yhat`,
    ),
    store.query<{ b: number; scored: number; ll: number }>(
      sql`SELECT b, countIf(isNotNull(p_true)) AS scored,
              sumIf(-log(greatest(least(assumeNotNull(p_true), 1 - ${EPS}), ${EPS})), isNotNull(p_true)) AS ll
       FROM ${labeled} GROUP BY b`,
    ),
  ]);
  return { volume, pairs, losses };
}

export interface RegressionBucketRow {
  b: number;
  n: number;
  labeled: number;
  nu: number;
  abs: number;
  sq: number;
  err: number;
  ape: number;
  n_ape: number;
  sy: number;
  syy: number;
}

/** regressionBuckets: per bucket, a regression model's error sums over its labelled rows. */
export function regressionBuckets(store: Store, q: PerformanceQuery): Promise<RegressionBucketRow[]> {
  return store.query<RegressionBucketRow>(
    sql`SELECT b, count() AS n, countIf(labeled) AS labeled, countIf(u) AS nu, sumIf(abs(e), u) AS abs,
            sumIf(e * e, u) AS sq, sumIf(e, u) AS err, sumIf(abs(e) / abs(y), u AND y != 0) AS ape,
            countIf(u AND y != 0) AS n_ape, sumIf(y, u) AS sy, sumIf(y * y, u) AS syy
     FROM (SELECT ${bucketStartSql(q.granularity)} AS b, labeled, labeled AND isNotNull(y_value) AND isNotNull(pred_value) AS u,
                  ifNull(y_value, 0) AS y, ifNull(pred_value, 0) - y AS e
           FROM (${joinedRows(store, q)}))
     GROUP BY b`,
  );
}

/**
 * rankingPerQuery is one row per ranking of `rows` with its key `keySql` (as b), whether it is
 * labelled and judged (u), and its ndcg@K, ap@K (as map@K averages it), reciprocal rank and
 * recall@K. ClickHouse 18.16 lambdas cannot see other columns, so the judgements ride into
 * arrayMap as replicated arguments.
 */
export function rankingPerQuery(rows: Sql, keySql: Sql): Sql {
  const K = int(RANKING_K);
  return sql`SELECT b, labeled, u, grades, hits, relevant,
              arraySum(arrayMap((g, i) -> g / log2(i + 1), arraySlice(grades, 1, ${K}), arrayEnumerate(arraySlice(grades, 1, ${K})))) AS dcg,
              arraySum(arrayMap((g, i) -> g / log2(i + 1), ideal, arrayEnumerate(ideal))) AS idcg,
              if(idcg > 0, dcg / idcg, 0) AS ndcg,
              if(relevant > 0, arraySum(arrayMap((h, c, i) -> h * c / i, arraySlice(hits, 1, ${K}),
                 arrayCumSum(arraySlice(hits, 1, ${K})), arrayEnumerate(arraySlice(hits, 1, ${K})))) / least(${K}, relevant), 0) AS ap,
              if(arrayFirstIndex(h -> h = 1, hits) > 0, 1 / arrayFirstIndex(h -> h = 1, hits), 0) AS rr,
              if(relevant > 0, arraySum(arraySlice(hits, 1, ${K})) / relevant, 0) AS rec
       FROM (
         SELECT ${keySql} AS b, labeled, labeled AND notEmpty(y_rel_keys) AS u,
                arrayMap((item, ks, vs) -> vs[indexOf(ks, item)], pred_ranking,
                         replicate(y_rel_keys, pred_ranking), replicate(y_rel_values, pred_ranking)) AS grades,
                arrayMap(g -> toUInt8(g > 0), grades) AS hits,
                arrayCount(g -> g > 0, y_rel_values) AS relevant,
                arraySlice(arrayReverseSort(arrayFilter(g -> g > 0, y_rel_values)), 1, ${K}) AS ideal
         FROM (${rows}))`;
}

export interface RankingBucketRow {
  b: number;
  n: number;
  labeled: number;
  nu: number;
  ndcg: number;
  map: number;
  mrr: number;
  recall: number;
}

/** rankingBuckets: per bucket, a ranking model's mean ndcg@K, ap@K, reciprocal rank and recall@K. */
export function rankingBuckets(store: Store, q: PerformanceQuery): Promise<RankingBucketRow[]> {
  return store.query<RankingBucketRow>(
    sql`SELECT b, count() AS n, countIf(labeled) AS labeled, countIf(u) AS nu, avgIf(ndcg, u) AS ndcg,
            avgIf(ap, u) AS map, avgIf(rr, u) AS mrr, avgIf(rec, u) AS recall
     FROM (${rankingPerQuery(joinedRows(store, q), bucketStartSql(q.granularity))})
     GROUP BY b`,
  );
}
