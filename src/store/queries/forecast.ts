import { int, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { type RecordWindow, windowWhere } from './record-window.js';

/*
 * Forecasts (task `forecast`, docs/forecasting.md). A forecast record carries its series key
 * (`fc_series`, the record's `series` tag, "" when absent) and target time (`fc_target`). An
 * actual sent with `series` and `target_time` is one `actuals` row per (series, target time);
 * the join below matches it to EVERY forecast of that series for that target time, whatever its
 * horizon, version or arrival order (the join runs at read time). An actual sent inline with a
 * forecast record settles that record only, when no series actual exists.
 *
 * Forecasts are placed in time by their TARGET time: a window and a bucket hold the forecasts
 * whose outcome fell in them (a 7-day-ahead forecast for Monday is judged on Monday).
 */

/** ForecastQuery: a model's forecasts whose target time is in [fromMs, toMs), by bucket. */
export interface ForecastQuery {
  project: string;
  model: string;
  /** The window's environment, version and segment; its fromMs/toMs apply to the target time. */
  window: RecordWindow;
  /** bucketMs is the width of the target-time buckets; 0 puts everything in one bucket (b = 0). */
  bucketMs: number;
  /** labelsAsOfMs ignores actuals that arrived after this time (replays, monitors). */
  labelsAsOfMs?: number | undefined;
  /** horizon keeps only forecasts of this horizon (ms, or steps). */
  horizon?: { ms: number } | { steps: number } | undefined;
}

/** ForecastSumsRow: the additive parts of the forecast metrics of one (bucket, horizon, series). */
export interface ForecastSumsRow {
  b: number;
  /** hs: the horizon in steps, or -1 when it was given as a duration (then hm is it, in ms). */
  hs: number;
  hm: number;
  series: string;
  n: number;
  labeled: number;
  abs: number;
  sq: number;
  err: number;
  ape: number;
  sape: number;
  n_int: number;
  covered: number;
  width: number;
  pinball: number;
}

/** Float64 machine epsilon, the floor of the MAPE and sMAPE denominators (sktime, sklearn). */
const EPS = sql`2.220446049250313e-16`;

function targetWhere(q: Pick<ForecastQuery, 'project' | 'model' | 'window' | 'horizon'>): Sql {
  const { fromMs, toMs, ...rest } = q.window;
  const from = fromMs === undefined ? sql`` : sql` AND fc_target >= ${int(fromMs)}`;
  const to = toMs === undefined ? sql`` : sql` AND fc_target < ${int(toMs)}`;
  const h =
    q.horizon === undefined
      ? sql``
      : 'steps' in q.horizon
        ? sql` AND fc_horizon_steps = ${int(q.horizon.steps)}`
        : sql` AND isNull(fc_horizon_steps) AND fc_horizon_ms = ${int(q.horizon.ms)}`;
  return sql`${windowWhere(q.project, q.model, rest)} AND isNotNull(fc_target)${from}${to}${h}`;
}

/** seriesActuals: the series actuals of a model (one per series and target time), as of a time. */
function seriesActuals(store: Store, project: string, model: string, asOfMs: number | undefined): Sql {
  const asOf = asOfMs === undefined ? sql`` : sql` AND ts <= ${int(asOfMs)}`;
  return sql`SELECT project, model, ifNull(fc_series, '') AS k_series, assumeNotNull(fc_target) AS k_target,
                    toUInt8(1) AS found, act_value AS a_value
             FROM ${store.table('actuals')} FINAL
             WHERE project = ${str(project)} AND model = ${str(model)} AND isNotNull(fc_target)${asOf}`;
}

/**
 * forecastJoined is one row per forecast of the query with its actual `y` (the series actual,
 * else the inline one) and `u` = it has one; columns b, hs, hm, k_series, yhat, y, u, lower,
 * upper, level, k_target and ts.
 */
export function forecastJoined(store: Store, q: ForecastQuery): Sql {
  const b = q.bucketMs > 0 ? sql`intDiv(k_target, ${int(q.bucketMs)}) * ${int(q.bucketMs)}` : sql`toInt64(0)`;
  return sql`SELECT ${b} AS b, hs, hm, k_series, k_target, ts, ifNull(pred_value, 0) AS yhat,
                (found = 1 OR has_actual = 1) AND isNotNull(if(found = 1, a_value, act_value)) AND isNotNull(pred_value) AS u,
                ifNull(if(found = 1, a_value, act_value), 0) AS y,
                isNotNull(fc_level) AND isNotNull(fc_lower) AND isNotNull(fc_upper) AS has_int,
                ifNull(fc_lower, 0) AS lower, ifNull(fc_upper, 0) AS upper, ifNull(fc_level, 0) AS level
    FROM (SELECT project, model, ts, pred_value, act_value, has_actual, fc_lower, fc_upper, fc_level,
                 ifNull(fc_series, '') AS k_series, assumeNotNull(fc_target) AS k_target,
                 ifNull(fc_horizon_steps, toInt64(-1)) AS hs, if(hs >= 0, toInt64(0), ifNull(fc_horizon_ms, toInt64(0))) AS hm
          FROM ${store.table('records')} FINAL WHERE ${targetWhere(q)}) AS r
    ANY LEFT JOIN (${seriesActuals(store, q.project, q.model, q.labelsAsOfMs)}) AS a
    USING (project, model, k_series, k_target)`;
}

/** forecastSums: per (target-time bucket, horizon, series), the sums of the forecast metrics. */
export function forecastSums(store: Store, q: ForecastQuery): Promise<ForecastSumsRow[]> {
  const e = sql`(yhat - y)`;
  const iv = sql`u AND has_int`;
  const pin = (qq: Sql, alpha: Sql) =>
    sql`if(y >= ${qq}, ${alpha} * (y - ${qq}), (${alpha} - 1) * (y - ${qq}))`;
  return store.query<ForecastSumsRow>(
    sql`SELECT b, hs, hm, k_series AS series, count() AS n, countIf(u) AS labeled,
            sumIf(abs(${e}), u) AS abs, sumIf(${e} * ${e}, u) AS sq, sumIf(${e}, u) AS err,
            sumIf(abs(${e}) / greatest(abs(y), ${EPS}), u) AS ape,
            sumIf(2 * abs(${e}) / greatest(abs(y) + abs(yhat), ${EPS}), u) AS sape,
            countIf(${iv}) AS n_int, countIf(${iv} AND y >= lower AND y <= upper) AS covered,
            sumIf(upper - lower, ${iv}) AS width,
            sumIf((${pin(sql`lower`, sql`((1 - level) / 2)`)} + ${pin(sql`upper`, sql`((1 + level) / 2)`)}) / 2, ${iv}) AS pinball
     FROM (${forecastJoined(store, q)})
     GROUP BY b, hs, hm, series
     ORDER BY b, hs, hm, series`,
  );
}

/** ForecastResidualRow: the mean residual (actual − forecast) of one target-time bucket. */
export interface ForecastResidualRow {
  b: number;
  n: number;
  mean: number;
}

/** forecastResiduals: per target-time bucket, the mean residual y − ŷ of the settled forecasts. */
export function forecastResiduals(store: Store, q: ForecastQuery): Promise<ForecastResidualRow[]> {
  return store.query<ForecastResidualRow>(
    sql`SELECT b, count() AS n, avg(y - yhat) AS mean
     FROM (${forecastJoined(store, q)}) WHERE u
     GROUP BY b ORDER BY b`,
  );
}

/** SeriesActualRow: one observed value of a series at a target time. */
export interface SeriesActualRow {
  series: string;
  t: number;
  y: number;
}

/**
 * seriesActualValues: the observed values of a model's series with a target time in
 * [fromMs, toMs) — series actuals, and inline actuals of forecast records where no series actual
 * exists — one per (series, time), ordered (the history MASE scales by).
 */
export function seriesActualValues(
  store: Store,
  q: { project: string; model: string; fromMs: number; toMs: number; labelsAsOfMs?: number | undefined },
): Promise<SeriesActualRow[]> {
  const asOf = q.labelsAsOfMs === undefined ? sql`` : sql` AND ts <= ${int(q.labelsAsOfMs)}`;
  const range = sql`fc_target >= ${int(q.fromMs)} AND fc_target < ${int(q.toMs)}`;
  const own = sql`project = ${str(q.project)} AND model = ${str(q.model)}`;
  return store.query<SeriesActualRow>(
    sql`SELECT series, t, argMax(y, pri) AS y FROM (
         SELECT ifNull(fc_series, '') AS series, assumeNotNull(fc_target) AS t, assumeNotNull(act_value) AS y, toUInt8(1) AS pri
         FROM ${store.table('actuals')} FINAL
         WHERE ${own} AND isNotNull(fc_target) AND isNotNull(act_value) AND ${range}${asOf}
         UNION ALL
         SELECT ifNull(fc_series, '') AS series, assumeNotNull(fc_target) AS t, assumeNotNull(act_value) AS y, toUInt8(0) AS pri
         FROM ${store.table('records')} FINAL
         WHERE ${own} AND isNotNull(fc_target) AND has_actual = 1 AND isNotNull(act_value) AND ${range})
       GROUP BY series, t ORDER BY series, t`,
  );
}
