import type { Migration } from '../store/migrations.js';
import type { TableName } from '../store/store.js';

/** MONITOR_TABLES names the monitor service's own tables (listed in the store's TableName union). */
export const MONITOR_TABLES = {
  alerts: 'alerts',
  alertEvents: 'alert_events',
  deliveries: 'webhook_deliveries',
} as const satisfies Record<string, TableName>;

/**
 * monitorMigration creates the alert tables. Monitors and their lifecycle state are config
 * entities (kinds `monitor` and `monitor_state`); alerts get tables of their own because they
 * are listed and filtered by model and state, and their history only grows.
 *
 * - alerts: the latest version of each alert (one per monitor episode), ReplacingMergeTree on
 *   `version`, read with FINAL.
 * - alert_events: every state change of every monitor, append-only (the alert history and the
 *   replay of what was notified).
 * - webhook_deliveries: every delivery attempt of a notification (the delivery log).
 */
export const monitorMigration: Migration = {
  id: 4,
  name: 'monitor alerts, alert events and webhook deliveries',
  statements: (t) => [
    `CREATE TABLE IF NOT EXISTS ${t(MONITOR_TABLES.alerts)} (
      project String,
      id String,
      monitor String,
      model String,
      state String,
      version UInt64,
      body String
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY (project, id)`,
    `CREATE TABLE IF NOT EXISTS ${t(MONITOR_TABLES.alertEvents)} (
      project String,
      monitor String,
      model String,
      alert String,
      time Int64,
      state String,
      value Nullable(Float64),
      reason String,
      body String
    ) ENGINE = MergeTree
    ORDER BY (project, monitor, time)`,
    `CREATE TABLE IF NOT EXISTS ${t(MONITOR_TABLES.deliveries)} (
      project String,
      receiver String,
      notification String,
      attempt UInt32,
      time Int64,
      outcome String,
      status Nullable(UInt16),
      error Nullable(String),
      duration_ms Float64
    ) ENGINE = MergeTree
    ORDER BY (project, time)`,
  ],
};
