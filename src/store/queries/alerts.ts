import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store, TableName } from '../store.js';

/** MONITOR_TABLES names the monitor service's own tables (listed in the store's TableName union). */
export const MONITOR_TABLES = {
  alerts: 'alerts',
  alertEvents: 'alert_events',
  deliveries: 'webhook_deliveries',
} as const satisfies Record<string, TableName>;

/** selectAlertBody reads the latest version of one alert (its JSON body). */
export async function selectAlertBody(
  store: Store,
  project: string,
  id: string,
): Promise<string | undefined> {
  const rows = await store.query<{ body: string }>(
    sql`SELECT body FROM ${store.table(MONITOR_TABLES.alerts)} FINAL
       WHERE project = ${str(project)} AND id = ${str(id)}`,
  );
  return rows[0]?.body;
}

export interface AlertFilter {
  model?: string;
  states: readonly string[];
  limit?: number;
}

/** selectAlertBodies gives a project's alerts, newest first; filters apply after FINAL collapses versions. */
export async function selectAlertBodies(
  store: Store,
  project: string,
  filter: AlertFilter,
): Promise<string[]> {
  const where: Sql[] = [];
  if (filter.model !== undefined) where.push(sql`model = ${str(filter.model)}`);
  if (filter.states.length > 0) where.push(sql`state IN (${joinSql(filter.states.map(str), ', ')})`);
  const rows = await store.query<{ body: string }>(
    sql`SELECT body FROM (
         SELECT model, state, body, version FROM ${store.table(MONITOR_TABLES.alerts)} FINAL
         WHERE project = ${str(project)})
       ${where.length ? sql`WHERE ${joinSql(where, ' AND ')}` : sql``}
       ORDER BY version DESC LIMIT ${int(filter.limit ?? 500)}`,
  );
  return rows.map((r) => r.body);
}

export interface AlertEventRow {
  time: number;
  state: string;
  value: number | null;
  reason: string;
  body: string;
}

/** selectAlertEvents lists the events of one monitor (or of one of its alerts), oldest first. */
export async function selectAlertEvents(
  store: Store,
  project: string,
  monitorId: string,
  alertId?: string,
): Promise<AlertEventRow[]> {
  return store.query<AlertEventRow>(
    sql`SELECT time, state, value, reason, body FROM ${store.table(MONITOR_TABLES.alertEvents)}
       WHERE project = ${str(project)} AND monitor = ${str(monitorId)}
       ${alertId === undefined ? sql`` : sql`AND alert = ${str(alertId)}`}
       ORDER BY time LIMIT 5000`,
  );
}

export interface DeliveryRow {
  receiver: string;
  notification: string;
  attempt: number;
  time: number | string;
  outcome: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

/** selectDeliveries lists a project's webhook delivery attempts, newest first (1 to 5000 of them). */
export async function selectDeliveries(store: Store, project: string, limit: number): Promise<DeliveryRow[]> {
  return store.query<DeliveryRow>(
    sql`SELECT receiver, notification, attempt, time, outcome, status, error, duration_ms
       FROM ${store.table(MONITOR_TABLES.deliveries)}
       WHERE project = ${str(project)} ORDER BY time DESC LIMIT ${int(Math.max(1, Math.min(5000, Math.floor(limit))))}`,
  );
}
