import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 4 creates the alert tables. Monitors and their lifecycle state are config
 * entities (kinds `monitor` and `monitor_state`); alerts get tables of their own because they
 * are listed and filtered by model and state, and their history only grows.
 *
 * - alerts: the latest version of each alert (one per monitor episode), ReplacingMergeTree on
 *   `version`, read with FINAL.
 * - alert_events: every state change of every monitor, append-only (the alert history and the
 *   replay of what was notified).
 * - webhook_deliveries: every delivery attempt of a notification (the delivery log).
 */
export const migration0004: Migration = {
  id: 4,
  name: 'monitor alerts, alert events and webhook deliveries',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('alerts')} (
      project String,
      id String,
      monitor String,
      model String,
      state String,
      version UInt64,
      body String
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY (project, id)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('alert_events')} (
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
    sql`CREATE TABLE IF NOT EXISTS ${t('webhook_deliveries')} (
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
