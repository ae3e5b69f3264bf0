import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 3 creates Labs' telemetry, feedback and enrollment tables. Every key starts with
 * `project` (tenants are isolated by the key), users appear only as a keyed hash, and payloads
 * have columns that stay empty unless an experiment sets `capture_payloads`.
 *
 * - labs_calls: one row per answered predict call (usage only), MergeTree by time.
 * - labs_feedback: one row per feedback answer; reports keep each user's latest answer per field.
 * - labs_enrollments: the user's current enrollment (ReplacingMergeTree, read with FINAL), with
 *   the hash of the terms they accepted.
 */
export const migration0003: Migration = {
  id: 3,
  name: 'labs telemetry, feedback and enrollments',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('labs_calls')} (
      project String,
      experiment String,
      ts Int64,
      call_id String,
      user_hash String,
      feature String,
      source String,
      outcome String,
      reason String,
      invoked UInt8,
      latency_ms Float64,
      cpu_ms Float64,
      peak_mb Float64,
      cost_usd Float64,
      part_names Array(String),
      part_ms Array(Float64),
      input String,
      output String
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
    ORDER BY (project, experiment, ts)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('labs_feedback')} (
      project String,
      experiment String,
      ts Int64,
      user_hash String,
      speed String,
      importance UInt8,
      useful Int8,
      comment String
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
    ORDER BY (project, experiment, ts)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('labs_enrollments')} (
      project String,
      experiment String,
      user_hash String,
      ts UInt64,
      enrolled UInt8,
      terms_sha String
    ) ENGINE = ReplacingMergeTree(ts)
    ORDER BY (project, experiment, user_hash)`,
  ],
};
