import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store, TableName } from '../store.js';

/** AUTH_TABLES names the auth tables (listed in the store's TableName union). */
export const AUTH_TABLES = {
  keys: 'auth_keys',
  keyUsage: 'auth_key_usage',
  sessions: 'auth_sessions',
  audit: 'audit_log',
} as const satisfies Record<string, TableName>;

/** StoredKeyRow is an API key as stored: the salted hash, never the key. */
export interface StoredKeyRow {
  id: string;
  project: string;
  role: string;
  name: string;
  salt: string;
  hash: string;
  created: number;
  /** revoked is the revocation time in epoch ms, 0 while the key is valid. */
  revoked: number;
  updated: number;
}

/** selectKeyById reads one key by id, whatever its project: one primary-key read. */
export async function selectKeyById(store: Store, id: string): Promise<StoredKeyRow | undefined> {
  const rows = await store.query<StoredKeyRow>(
    sql`SELECT id, project, role, name, salt, hash, created, revoked, updated
       FROM ${store.table(AUTH_TABLES.keys)} FINAL WHERE id = ${str(id)}`,
  );
  return rows[0];
}

export type KeyListRow = Pick<StoredKeyRow, 'id' | 'project' | 'role' | 'name' | 'created' | 'revoked'>;

/** selectKeys lists a project's keys (every project's when `project` is undefined), oldest first. */
export async function selectKeys(store: Store, project?: string): Promise<KeyListRow[]> {
  const where = project === undefined ? sql`` : sql`WHERE project = ${str(project)}`;
  return store.query<KeyListRow>(
    sql`SELECT id, project, role, name, created, revoked FROM ${store.table(AUTH_TABLES.keys)} FINAL
       ${where} ORDER BY created, id`,
  );
}

/** selectKeysLastUsed gives the last-used time (epoch ms) of the keys that were ever used. */
export async function selectKeysLastUsed(
  store: Store,
  ids: readonly string[],
): Promise<Array<{ id: string; t: number }>> {
  if (ids.length === 0) return [];
  return store.query<{ id: string; t: number }>(
    sql`SELECT id, max(last_used) AS t FROM ${store.table(AUTH_TABLES.keyUsage)}
       WHERE id IN (${joinSql(ids.map(str), ', ')}) GROUP BY id`,
  );
}

export interface SessionRow {
  key_id: string;
  expires: number;
  ended: number;
}

/** selectSession reads a dashboard session by the hash of its token. */
export async function selectSession(store: Store, tokenHash: string): Promise<SessionRow | undefined> {
  const rows = await store.query<SessionRow>(
    sql`SELECT key_id, expires, ended FROM ${store.table(AUTH_TABLES.sessions)} FINAL
         WHERE token_hash = ${str(tokenHash)}`,
  );
  return rows[0];
}

export interface AuditFilter {
  fromMs?: number;
  toMs?: number;
  action?: string;
  limit?: number;
}

export interface AuditRow {
  id: string;
  ts: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

/** selectAuditEntries gives a project's audit entries, newest first. */
export async function selectAuditEntries(store: Store, project: string, q: AuditFilter): Promise<AuditRow[]> {
  const where: Sql[] = [sql`project = ${str(project)}`];
  if (q.fromMs !== undefined) where.push(sql`ts >= ${int(q.fromMs)}`);
  if (q.toMs !== undefined) where.push(sql`ts < ${int(q.toMs)}`);
  if (q.action !== undefined) where.push(sql`action = ${str(q.action)}`);
  return store.query<AuditRow>(
    sql`SELECT id, ts, actor, action, target, detail FROM ${store.table(AUTH_TABLES.audit)}
       WHERE ${joinSql(where, ' AND ')} ORDER BY ts DESC, id LIMIT ${int(q.limit ?? 1000)}`,
  );
}
