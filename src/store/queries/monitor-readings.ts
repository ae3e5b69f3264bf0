/*
 * What a monitor measures, read as of a time t: every query sees only records with a timestamp
 * before t (the window's `toMs`) and actuals that had arrived by t, so the scheduler (t = now)
 * and a replay (t = each step of the past) run the same queries.
 */
import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { fin, type RecordWindow, windowWhere } from './record-window.js';
import { bucketOfWidthSql } from './time-buckets.js';

/** PredictionColumn is a prediction column a labelled read may carry. */
export type PredictionColumn = 'pred_score' | 'pred_label';

const PREDICTION_COLUMNS: Record<PredictionColumn, Sql> = {
  pred_score: sql`pred_score`,
  pred_label: sql`pred_label`,
};

/**
 * labelledRows selects a window's predictions with the label known at `asOfMs`: the latest
 * actual that had arrived by then, else the one sent inline with the record. Only the window's
 * own ids are read from the actuals, so a step of a long replay joins a day of labels, not the
 * model's whole history. Columns: the prediction columns asked for, plus `y` (the label,
 * nullable) and `y_ts` (when the label became known: the actual's time, or the record's for an
 * inline one).
 */
function labelledRows(
  store: Store,
  project: string,
  model: string,
  window: RecordWindow,
  asOfMs: number,
  columns: readonly PredictionColumn[],
): Sql {
  const where = windowWhere(project, model, window);
  const records = store.table('records');
  const cols = joinSql(
    columns.map((c) => PREDICTION_COLUMNS[c]),
    ', ',
  );
  return sql`SELECT ${cols}, if(found, a_label, act_label) AS y, if(found, a_ts, ts) AS y_ts
    FROM (SELECT project, model, id, ts, ${cols}, act_label, has_actual FROM ${records}${fin(window)} WHERE ${where}) AS r
    ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, ts AS a_ts
                   FROM ${store.table('actuals')} FINAL
                   WHERE project = ${str(project)} AND model = ${str(model)} AND ts <= ${int(asOfMs)}
                     AND id IN (SELECT id FROM ${records} WHERE ${where})) AS a
    USING (project, model, id)
    WHERE found OR has_actual = 1`;
}

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/**
 * selectBinaryConfusion counts a binary classifier's confusion matrix over a window with the
 * labels known at `asOfMs`: the prediction is the score ≥ 0.5, else the label.
 */
export async function selectBinaryConfusion(
  store: Store,
  input: { project: string; model: string; window: RecordWindow; asOfMs: number; positiveLabel: string },
): Promise<ConfusionCounts> {
  const positive = str(input.positiveLabel);
  const rows = labelledRows(store, input.project, input.model, input.window, input.asOfMs, [
    'pred_score',
    'pred_label',
  ]);
  const [c] = await store.query<ConfusionCounts>(
    sql`SELECT countIf(y1 AND yhat) AS tp, countIf(NOT y1 AND yhat) AS fp,
            countIf(NOT y1 AND NOT yhat) AS tn, countIf(y1 AND NOT yhat) AS fn
     FROM (SELECT assumeNotNull(y) = ${positive} AS y1,
                  if(isNull(pred_score), ifNull(pred_label, '') = ${positive}, assumeNotNull(pred_score) >= 0.5) AS yhat
           FROM (${rows}) WHERE isNotNull(y) AND (isNotNull(pred_score) OR isNotNull(pred_label)))`,
  );
  return { tp: Number(c?.tp ?? 0), fp: Number(c?.fp ?? 0), tn: Number(c?.tn ?? 0), fn: Number(c?.fn ?? 0) };
}

/** selectMissingCells counts a window's missing feature cells and all its feature cells. */
export async function selectMissingCells(
  store: Store,
  project: string,
  model: string,
  window: RecordWindow,
): Promise<{ missing: number; cells: number }> {
  const [r] = await store.query<{ missing: number; cells: number }>(
    sql`SELECT sum(length(null_keys)) AS missing,
              sum(length(null_keys) + length(num_keys) + length(cat_keys)) AS cells
       FROM ${store.table('records')} WHERE ${windowWhere(project, model, window)}`,
  );
  return { missing: Number(r?.missing ?? 0), cells: Number(r?.cells ?? 0) };
}

/** countWindowRecords counts a window's records (every stored version: no FINAL). */
export async function countWindowRecords(
  store: Store,
  project: string,
  model: string,
  window: RecordWindow,
): Promise<number> {
  const [r] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('records')} WHERE ${windowWhere(project, model, window)}`,
  );
  return Number(r?.n ?? 0);
}

/** countRejectedRecords counts a model's rejected records received in [fromMs, toMs). */
export async function countRejectedRecords(
  store: Store,
  project: string,
  model: string,
  fromMs: number,
  toMs: number,
): Promise<number> {
  const [r] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('rejected')}
     WHERE project = ${str(project)} AND model = ${str(model)} AND kind = 'records'
       AND received >= ${int(fromMs)} AND received < ${int(toMs)}`,
  );
  return Number(r?.n ?? 0);
}

/** LatencyStat is a latency monitor's statistic. */
export type LatencyStat = 'mean' | 'p50' | 'p90' | 'p95' | 'p99';

const LATENCY_AGGREGATES: Record<LatencyStat, Sql> = {
  mean: sql`avg(assumeNotNull(latency_ms))`,
  p50: sql`quantileExact(0.5)(assumeNotNull(latency_ms))`,
  p90: sql`quantileExact(0.9)(assumeNotNull(latency_ms))`,
  p95: sql`quantileExact(0.95)(assumeNotNull(latency_ms))`,
  p99: sql`quantileExact(0.99)(assumeNotNull(latency_ms))`,
};

/** selectLatency gives a latency statistic over a window's records that carry a latency, and their count. */
export async function selectLatency(
  store: Store,
  project: string,
  model: string,
  window: RecordWindow,
  stat: LatencyStat,
): Promise<{ v: number; n: number }> {
  const [r] = await store.query<{ v: number; n: number }>(
    sql`SELECT ${LATENCY_AGGREGATES[stat]} AS v, count() AS n FROM ${store.table('records')} WHERE ${windowWhere(project, model, window)} AND isNotNull(latency_ms)`,
  );
  return { v: Number(r?.v), n: Number(r?.n ?? 0) };
}

/** selectServingTime gives a window's record count and total latency (ms; a missing latency counts 0). */
export async function selectServingTime(
  store: Store,
  project: string,
  model: string,
  window: RecordWindow,
): Promise<{ n: number; ms: number }> {
  const [r] = await store.query<{ n: number; ms: number }>(
    sql`SELECT count() AS n, sum(ifNull(latency_ms, 0)) AS ms FROM ${store.table('records')} WHERE ${windowWhere(project, model, window)}`,
  );
  return { n: Number(r?.n ?? 0), ms: Number(r?.ms ?? 0) };
}

/** SCORE_BINS: scores are floored to 1e-3, so no bin straddles the 0.5 decision threshold. */
const SCORE_BINS = int(1000);

/**
 * selectBaselineLabelGroups gives a baseline's labelled score counts (labels known by
 * `asOfMs`), grouped by the hour their labels became known (rounded up) and the binned score.
 */
export async function selectBaselineLabelGroups(
  store: Store,
  input: { project: string; model: string; window: RecordWindow; asOfMs: number; positiveLabel: string },
): Promise<Array<{ k: number; s: number; pos: number; neg: number }>> {
  const labelled = labelledRows(store, input.project, input.model, input.window, input.asOfMs, [
    'pred_score',
  ]);
  const h = int(3_600_000);
  const positive = str(input.positiveLabel);
  return store.query<{ k: number; s: number; pos: number; neg: number }>(
    sql`SELECT (intDiv(y_ts + ${h} - 1, ${h})) * ${h} AS k, floor(assumeNotNull(pred_score) * ${SCORE_BINS}) / ${SCORE_BINS} AS s,
              countIf(y = ${positive}) AS pos, countIf(y != ${positive}) AS neg
       FROM (${labelled}) WHERE isNotNull(y) AND isNotNull(pred_score)
       GROUP BY k, s`,
  );
}

/** selectScoreHistograms gives a window's binned scores per time bucket of `bucketMs`, in time order. */
export async function selectScoreHistograms(
  store: Store,
  input: { project: string; model: string; window: RecordWindow; bucketMs: number },
): Promise<Array<{ b: number; s: number; n: number }>> {
  return store.query<{ b: number; s: number; n: number }>(
    sql`SELECT ${bucketOfWidthSql(input.bucketMs)} AS b, floor(assumeNotNull(pred_score) * ${SCORE_BINS}) / ${SCORE_BINS} AS s, count() AS n
       FROM ${store.table('records')}${fin(input.window)}
       WHERE ${windowWhere(input.project, input.model, input.window)} AND isNotNull(pred_score)
       GROUP BY b, s ORDER BY b, s`,
  );
}
