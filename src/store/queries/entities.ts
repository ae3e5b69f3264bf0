import { joinSql, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/**
 * Reads of config entities across projects (the Entities class reads one project's). Bodies
 * come back as the JSON text they were stored as.
 */

/** selectEntityBodies reads the live entities of one kind named by (project, id) pairs. */
export async function selectEntityBodies(
  store: Store,
  kind: string,
  keys: ReadonlyArray<{ project: string; id: string }>,
): Promise<Array<{ body: string }>> {
  if (keys.length === 0) return [];
  const pairs = keys.map((k) => sql`(${str(k.project)}, ${str(k.id)})`);
  return store.query<{ body: string }>(
    sql`SELECT body FROM ${store.table('entities')} FINAL
         WHERE kind = ${str(kind)} AND deleted = 0 AND (project, id) IN (${joinSql(pairs, ', ')})`,
  );
}

/** selectEntitiesOfKind lists the live entities of one kind in every project, by project and id. */
export async function selectEntitiesOfKind(
  store: Store,
  kind: string,
): Promise<Array<{ project: string; id: string; body: string }>> {
  return store.query<{ project: string; id: string; body: string }>(
    sql`SELECT project, id, body FROM ${store.table('entities')} FINAL
       WHERE kind = ${str(kind)} AND deleted = 0 ORDER BY project, id`,
  );
}
