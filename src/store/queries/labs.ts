import { DAY_MS } from '../../shared/index.js';
import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { QueryOptions, Store, TableName } from '../store.js';

/** LABS_TABLES names Labs' own tables (listed in the store's TableName union). */
export const LABS_TABLES = {
  calls: 'labs_calls',
  feedback: 'labs_feedback',
  enrollments: 'labs_enrollments',
} as const satisfies Record<string, TableName>;

/** selectExperimentSpent sums what an experiment's calls cost so far (every node's calls). */
export async function selectExperimentSpent(
  store: Store,
  project: string,
  experiment: string,
): Promise<number> {
  const [row] = await store.query<{ spent: number }>(
    sql`SELECT sum(cost_usd) AS spent FROM ${store.table(LABS_TABLES.calls)}
         WHERE project = ${str(project)} AND experiment = ${str(experiment)}`,
  );
  return Number(row?.spent ?? 0);
}

/** selectEnrollments reads the current enrollment of `users` in one experiment (absent: never enrolled). */
export async function selectEnrollments(
  store: Store,
  project: string,
  experiment: string,
  users: readonly string[],
): Promise<Array<{ user_hash: string; enrolled: number }>> {
  if (users.length === 0) return [];
  return store.query<{ user_hash: string; enrolled: number }>(
    sql`SELECT user_hash, enrolled FROM ${store.table(LABS_TABLES.enrollments)} FINAL
       WHERE project = ${str(project)} AND experiment = ${str(experiment)}
         AND user_hash IN (${joinSql(users.map(str), ', ')})`,
  );
}

// ---- query views: what a prototype may read through ctx.query(view, params) ----

/** ViewBudget bounds a view's query: a row limit and the seconds left of the call's deadline. */
export interface ViewBudget {
  maxRows: number;
  maxSeconds: number;
}

/** ViewRecordFilter selects one model's records (the view's checked parameters). */
export interface ViewRecordFilter {
  model: string;
  environment: string;
  version?: string;
  fromMs?: number;
  toMs?: number;
}

/** OWN_SETTINGS: every view's SQL ends with viewSettings(), which carries its own time limit. */
const OWN_SETTINGS: QueryOptions = { ownSettings: true };

function viewSettings(budget: ViewBudget): Sql {
  return sql`SETTINGS readonly = 1, max_execution_time = ${int(budget.maxSeconds)}`;
}

function recordFilter(project: string, f: ViewRecordFilter): Sql {
  const where: Sql[] = [
    sql`project = ${str(project)}`,
    sql`model = ${str(f.model)}`,
    sql`environment = ${str(f.environment)}`,
  ];
  if (f.version !== undefined) where.push(sql`version = ${str(f.version)}`);
  if (f.fromMs !== undefined) where.push(sql`ts >= ${int(f.fromMs)}`);
  if (f.toMs !== undefined) where.push(sql`ts < ${int(f.toMs)}`);
  return joinSql(where, ' AND ');
}

export interface ViewModelRow {
  model: string;
  environment: string;
  records: number;
  first_ms: number;
  last_ms: number;
}

/** selectViewModels lists a project's models and environments with their record counts. */
export async function selectViewModels(
  store: Store,
  project: string,
  budget: ViewBudget,
): Promise<ViewModelRow[]> {
  return store.query<ViewModelRow>(
    sql`SELECT model, environment, count() AS records, min(ts) AS first_ms, max(ts) AS last_ms
       FROM ${store.table('records')} FINAL WHERE project = ${str(project)}
       GROUP BY model, environment ORDER BY model, environment LIMIT ${int(budget.maxRows)} ${viewSettings(budget)}`,
    OWN_SETTINGS,
  );
}

export interface ViewRecordRow {
  id: string;
  ts: number;
  version: string;
  num_keys: string[];
  num_values: number[];
  cat_keys: string[];
  cat_values: string[];
  tag_keys: string[];
  tag_values: string[];
  pred_label: string | null;
  pred_score: number | null;
  pred_value: number | null;
}

/** selectViewRecords gives a model's newest records, at most `limit` (and the budget's rows). */
export async function selectViewRecords(
  store: Store,
  project: string,
  filter: ViewRecordFilter,
  limit: number,
  budget: ViewBudget,
): Promise<ViewRecordRow[]> {
  return store.query<ViewRecordRow>(
    sql`SELECT id, ts, version, num_keys, num_values, cat_keys, cat_values, tag_keys, tag_values,
              pred_label, pred_score, pred_value
       FROM ${store.table('records')} FINAL WHERE ${recordFilter(project, filter)}
       ORDER BY ts DESC LIMIT ${int(Math.min(limit, budget.maxRows))} ${viewSettings(budget)}`,
    OWN_SETTINGS,
  );
}

export interface ViewNumericStats {
  n: number;
  mean: number;
  min: number;
  max: number;
  q: number[];
}

/** selectViewNumericStats summarises a numeric feature: count, mean, min, max, p50/p90/p99. */
export async function selectViewNumericStats(
  store: Store,
  project: string,
  filter: ViewRecordFilter,
  feature: string,
  budget: ViewBudget,
): Promise<ViewNumericStats | undefined> {
  const [row] = await store.query<ViewNumericStats>(
    sql`SELECT count() AS n, avg(v) AS mean, min(v) AS min, max(v) AS max, quantiles(0.5, 0.9, 0.99)(v) AS q
     FROM (SELECT num_values[indexOf(num_keys, ${str(feature)})] AS v FROM ${store.table('records')} FINAL
           WHERE ${recordFilter(project, filter)} AND has(num_keys, ${str(feature)})) ${viewSettings(budget)}`,
    OWN_SETTINGS,
  );
  return row;
}

/** selectViewTopValues gives a categorical feature's most frequent values (at most 50). */
export async function selectViewTopValues(
  store: Store,
  project: string,
  filter: ViewRecordFilter,
  feature: string,
  budget: ViewBudget,
): Promise<Array<{ value: string; n: number }>> {
  return store.query<{ value: string; n: number }>(
    sql`SELECT v AS value, count() AS n
     FROM (SELECT cat_values[indexOf(cat_keys, ${str(feature)})] AS v FROM ${store.table('records')} FINAL
           WHERE ${recordFilter(project, filter)} AND has(cat_keys, ${str(feature)}))
     GROUP BY v ORDER BY n DESC, v LIMIT ${int(Math.min(50, budget.maxRows))} ${viewSettings(budget)}`,
    OWN_SETTINGS,
  );
}

// ---- the experiment report's aggregates ----

export interface LabsReportAggregates {
  enrolled: Array<{ n: number }>;
  totals: Array<{
    calls: number;
    active: number;
    invoked_n: number;
    cpu: number;
    cost: number;
    first: number;
    last: number;
  }>;
  returning: Array<{ n: number }>;
  outcomes: Array<{ outcome: string; n: number }>;
  features: Array<{ feature: string; n: number }>;
  parts: Array<{ name: string; calls: number; ms_total: number }>;
  latency: Array<{ q: number[]; n: number }>;
  perUser: Array<{ n: number; cost: number }>;
  feedback: Array<Record<string, number>>;
}

/**
 * selectLabsReportAggregates runs the report's aggregations inside ClickHouse (counts,
 * quantiles, one row per part, feature and user) with SQL that runs on 18.16 and chdb alike.
 * Latency percentiles are over the calls that reached the prototype. Feedback keeps each user's
 * latest answer per question.
 */
export async function selectLabsReportAggregates(
  store: Store,
  project: string,
  id: string,
): Promise<LabsReportAggregates> {
  const calls = store.table(LABS_TABLES.calls);
  const where = sql`project = ${str(project)} AND experiment = ${str(id)}`;
  const [enrolled, totals, returning, outcomes, features, parts, latency, perUser, feedback] =
    await Promise.all([
      store.query<{ n: number }>(
        sql`SELECT countIf(enrolled = 1) AS n FROM ${store.table(LABS_TABLES.enrollments)} FINAL WHERE ${where}`,
      ),
      // Aliases never reuse a column name: ClickHouse resolves a name to the alias first.
      store.query<LabsReportAggregates['totals'][number]>(
        sql`SELECT count() AS calls, uniqExact(user_hash) AS active, countIf(invoked = 1) AS invoked_n,
              sumIf(cpu_ms, invoked = 1) AS cpu, sum(cost_usd) AS cost, min(ts) AS first, max(ts) AS last
       FROM ${calls} WHERE ${where}`,
      ),
      store.query<{ n: number }>(
        sql`SELECT count() AS n FROM (SELECT user_hash FROM ${calls} WHERE ${where}
        GROUP BY user_hash HAVING uniqExact(intDiv(ts, ${int(DAY_MS)})) >= 2)`,
      ),
      store.query<{ outcome: string; n: number }>(
        sql`SELECT outcome, count() AS n FROM ${calls} WHERE ${where} GROUP BY outcome`,
      ),
      store.query<{ feature: string; n: number }>(
        sql`SELECT feature, count() AS n FROM ${calls} WHERE ${where} GROUP BY feature ORDER BY n DESC, feature LIMIT 1000`,
      ),
      store.query<{ name: string; calls: number; ms_total: number }>(
        sql`SELECT name, count() AS calls, sum(ms) AS ms_total FROM ${calls} ARRAY JOIN part_names AS name, part_ms AS ms
       WHERE ${where} GROUP BY name ORDER BY ms_total DESC, name LIMIT 1000`,
      ),
      store.query<{ q: number[]; n: number }>(
        sql`SELECT quantilesExact(0.5, 0.95, 0.99)(latency_ms) AS q, count() AS n FROM ${calls} WHERE ${where} AND invoked = 1`,
      ),
      store.query<{ n: number; cost: number }>(
        sql`SELECT user_hash, count() AS n, sum(cost_usd) AS cost FROM ${calls} WHERE ${where} AND invoked = 1
       GROUP BY user_hash ORDER BY user_hash`,
      ),
      store.query<Record<string, number>>(
        sql`SELECT count() AS responses, countIf(has_speed > 0) AS speed_n,
              countIf(has_speed > 0 AND last_speed = 'too_slow') AS too_slow,
              countIf(last_importance = 1) AS i1, countIf(last_importance = 2) AS i2, countIf(last_importance = 3) AS i3,
              countIf(last_importance = 4) AS i4, countIf(last_importance = 5) AS i5,
              countIf(has_useful > 0) AS useful_n, countIf(has_useful > 0 AND last_useful = 1) AS useful_yes
       FROM (SELECT user_hash,
                    argMaxIf(speed, ts, speed != '') AS last_speed, countIf(speed != '') AS has_speed,
                    argMaxIf(importance, ts, importance > 0) AS last_importance,
                    argMaxIf(useful, ts, useful >= 0) AS last_useful, countIf(useful >= 0) AS has_useful
             FROM ${store.table(LABS_TABLES.feedback)} WHERE ${where} GROUP BY user_hash)`,
      ),
    ]);
  return { enrolled, totals, returning, outcomes, features, parts, latency, perUser, feedback };
}
