import { int, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/** PredictionShape counts what a model's predictions look like (task inference reads it). */
export interface PredictionShape {
  n_value: number;
  /** n_forecast: predictions with a forecast target time (task `forecast`). */
  n_forecast: number;
  n_rank: number;
  n_score: number;
  n_label: number;
  max_classes: number;
  labels: number;
}

/** ModelStatsRow is one (model, environment) of a project: its volume, versions, time span and shape. */
export interface ModelStatsRow extends PredictionShape {
  model: string;
  environment: string;
  versions: string[];
  records: number;
  first: number;
  last: number;
}

const SHAPE = sql`countIf(isNotNull(pred_value)) AS n_value, countIf(isNotNull(fc_target)) AS n_forecast, countIf(notEmpty(pred_ranking)) AS n_rank,
            countIf(isNotNull(pred_score)) AS n_score, countIf(isNotNull(pred_label)) AS n_label,
            max(length(pred_class_keys)) AS max_classes, uniqExactIf(assumeNotNull(pred_label), isNotNull(pred_label)) AS labels`;

const ofModel = (project: string, model: string): Sql =>
  sql`project = ${str(project)} AND model = ${str(model)}`;

/**
 * modelStats summarises every model of a project (or only `only`) per environment, in one
 * aggregation inside ClickHouse, ordered by model and environment.
 */
export function modelStats(store: Store, project: string, only?: string): Promise<ModelStatsRow[]> {
  const one = only === undefined ? sql`` : sql` AND model = ${str(only)}`;
  return store.query<ModelStatsRow>(
    sql`SELECT model, environment, groupUniqArray(version) AS versions, count() AS records,
            min(ts) AS first, max(ts) AS last,
            ${SHAPE}
     FROM ${store.table('records')} FINAL
     WHERE project = ${str(project)}${one}
     GROUP BY model, environment
     ORDER BY model, environment`,
  );
}

/** predictionShape reads one model's record count and prediction shape (every record, not FINAL). */
export async function predictionShape(
  store: Store,
  project: string,
  model: string,
): Promise<(PredictionShape & { n: number }) | undefined> {
  const [shape] = await store.query<PredictionShape & { n: number }>(
    sql`SELECT count() AS n, ${SHAPE}
     FROM ${store.table('records')} WHERE ${ofModel(project, model)}`,
  );
  return shape;
}

/** labelCounts gives a model's 20 most frequent labels over its predictions and actuals. */
export function labelCounts(
  store: Store,
  project: string,
  model: string,
): Promise<Array<{ label: string; n: number }>> {
  return store.query<{ label: string; n: number }>(
    sql`SELECT label, count() AS n FROM (
         SELECT assumeNotNull(pred_label) AS label FROM ${store.table('records')}
         WHERE ${ofModel(project, model)} AND isNotNull(pred_label)
         UNION ALL
         SELECT assumeNotNull(act_label) AS label FROM ${store.table('actuals')}
         WHERE ${ofModel(project, model)} AND isNotNull(act_label))
       GROUP BY label ORDER BY n DESC LIMIT 20`,
  );
}

/** hasRecords tells whether a model has at least one record (reads one row). */
export async function hasRecords(store: Store, project: string, model: string): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM (SELECT 1 FROM ${store.table('records')}
     WHERE ${ofModel(project, model)} LIMIT 1)`,
  );
  return Number(row?.n ?? 0) > 0;
}

/** hasTag tells whether any record of a model carries tag `tag`. */
export async function hasTag(store: Store, project: string, model: string, tag: string): Promise<boolean> {
  const found = await store.query<{ one: number }>(
    sql`SELECT 1 AS one FROM ${store.table('records')} WHERE ${ofModel(project, model)} AND has(tag_keys, ${str(tag)}) LIMIT 1`,
  );
  return found.length > 0;
}

/** tagKeys lists a model's tag names, sorted, at most `limit`. */
export async function tagKeys(
  store: Store,
  project: string,
  model: string,
  limit: number,
): Promise<string[]> {
  const tags = await store.query<{ k: string }>(
    sql`SELECT DISTINCT arrayJoin(tag_keys) AS k FROM ${store.table('records')} WHERE ${ofModel(project, model)} ORDER BY k LIMIT ${int(limit)}`,
  );
  return tags.map((t) => t.k);
}
