import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 1: records, actuals, rejected rows, config entities and idempotency keys.
 *
 * Layout choices (docs/decisions/0001-records-layout.md):
 * - One `records` table for every model: features live in parallel arrays (numeric, categorical,
 *   missing), so a 500-feature model and a 3-feature model share it without DDL, and per-feature
 *   aggregation over a time range is one ARRAY JOIN … GROUP BY name.
 * - Timestamps are Int64 epoch milliseconds (ClickHouse 18.16 has no DateTime64).
 * - ReplacingMergeTree keyed by (project, model, environment, id): a re-sent record replaces the
 *   earlier one; reads use FINAL. `received` (UInt64 ms) is the version, so the latest wins.
 * - Every table starts its key with `project`: tenants are isolated by the key, not by DDL.
 */
export const migration0001: Migration = {
  id: 1,
  name: 'initial tables',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('records')} (
        project String,
        model String,
        environment String,
        version String,
        id String,
        ts Int64,
        received UInt64,
        num_keys Array(String),
        num_values Array(Float64),
        cat_keys Array(String),
        cat_values Array(String),
        null_keys Array(String),
        tag_keys Array(String),
        tag_values Array(String),
        pred_label Nullable(String),
        pred_score Nullable(Float64),
        pred_class_keys Array(String),
        pred_class_scores Array(Float64),
        pred_value Nullable(Float64),
        pred_ranking Array(String),
        act_label Nullable(String),
        act_value Nullable(Float64),
        act_rel_keys Array(String),
        act_rel_values Array(Float64),
        has_actual UInt8,
        latency_ms Nullable(Float64)
      ) ENGINE = ReplacingMergeTree(received)
      PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
      ORDER BY (project, model, environment, id)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('actuals')} (
        project String,
        model String,
        id String,
        ts Int64,
        received UInt64,
        act_label Nullable(String),
        act_value Nullable(Float64),
        act_rel_keys Array(String),
        act_rel_values Array(Float64)
      ) ENGINE = ReplacingMergeTree(received)
      ORDER BY (project, model, id)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('rejected')} (
        project String,
        model String,
        kind String,
        received UInt64,
        request_id String,
        idx UInt32,
        field String,
        message String,
        raw String
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMM(toDateTime(intDiv(received, 1000)))
      ORDER BY (project, model, received)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('entities')} (
        project String,
        kind String,
        id String,
        updated UInt64,
        deleted UInt8,
        body String
      ) ENGINE = ReplacingMergeTree(updated)
      ORDER BY (project, kind, id)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('idempotency')} (
        project String,
        key String,
        created UInt64,
        status UInt16,
        response String
      ) ENGINE = ReplacingMergeTree(created)
      ORDER BY (project, key)`,
  ],
};
