import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/** selectModelHasRecords tells whether a project's model has at least one record (reads one row). */
export async function selectModelHasRecords(store: Store, project: string, model: string): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM (SELECT 1 FROM ${store.table('records')}
       WHERE project = ${str(project)} AND model = ${str(model)} LIMIT 1)`,
  );
  return Number(row?.n ?? 0) > 0;
}

/** countModelRecords counts a project's model's records (every version of a re-sent record). */
export async function countModelRecords(store: Store, project: string, model: string): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('records')} WHERE project = ${str(project)} AND model = ${str(model)}`,
  );
  return Number(row?.n ?? 0);
}

/** selectModelTagKeys gives the tag keys a model's records carry (what segments can split by), at most 200. */
export async function selectModelTagKeys(store: Store, project: string, model: string): Promise<string[]> {
  const rows = await store.query<{ k: string }>(
    sql`SELECT DISTINCT arrayJoin(tag_keys) AS k FROM ${store.table('records')}
         WHERE project = ${str(project)} AND model = ${str(model)} ORDER BY k LIMIT 200`,
  );
  return rows.map((r) => r.k);
}

/** selectRecentProjects lists the projects with records, the most recently active first (at most 100). */
export async function selectRecentProjects(store: Store): Promise<Array<{ project: string }>> {
  return store.query<{ project: string }>(
    sql`SELECT project, max(ts) AS last FROM ${store.table('records')} GROUP BY project ORDER BY last DESC LIMIT 100`,
  );
}

/** pingQuery runs the most trivial read (health checks); it resolves once the engine answered. */
export async function pingQuery(store: Store): Promise<void> {
  await store.query(sql`SELECT 1 AS ok`);
}

export interface RejectedRow {
  model: string;
  kind: string;
  received: number;
  request_id: string;
  idx: number;
  field: string;
  message: string;
  raw: string;
}

function rejectedWhere(project: string, model: string | undefined): Sql {
  const where: Sql[] = [sql`project = ${str(project)}`];
  if (model !== undefined) where.push(sql`model = ${str(model)}`);
  return joinSql(where, ' AND ');
}

/** selectRejected lists a project's rejected rows (of one model when given), newest first. */
export async function selectRejected(
  store: Store,
  project: string,
  filter: { model?: string; limit: number },
): Promise<RejectedRow[]> {
  return store.query<RejectedRow>(
    sql`SELECT model, kind, received, request_id, idx, field, message, raw FROM ${store.table('rejected')}
         WHERE ${rejectedWhere(project, filter.model)} ORDER BY received DESC, idx LIMIT ${int(filter.limit)}`,
  );
}

/** countRejected counts a project's rejected rows (of one model when given). */
export async function countRejected(
  store: Store,
  project: string,
  filter: { model?: string },
): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('rejected')} WHERE ${rejectedWhere(project, filter.model)}`,
  );
  return Number(row?.n ?? 0);
}
