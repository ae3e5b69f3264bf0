// Labs (the experimental tier) owns its tables' definitions; the store applies every
// migration in one ordered list, so the import points this one way (labs/schema imports types only).
import { authMigration } from '../auth/schema.js';
import { labsMigration } from '../labs/schema.js';
import { monitorMigration } from '../monitor/schema.js';
import type { Store } from './store.js';

/**
 * Migrations are versioned and idempotent: each statement can run twice without harm (IF NOT
 * EXISTS), so two nodes starting at once, or a crash between a statement and its bookkeeping
 * row, leave the schema right. Applied ids are kept in the `migrations` table.
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
export interface Migration {
  id: number;
  name: string;
  statements: (t: (name: Parameters<Store['table']>[0]) => string) => string[];
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'initial tables',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t('records')} (
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
      `CREATE TABLE IF NOT EXISTS ${t('actuals')} (
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
      `CREATE TABLE IF NOT EXISTS ${t('rejected')} (
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
      `CREATE TABLE IF NOT EXISTS ${t('entities')} (
        project String,
        kind String,
        id String,
        updated UInt64,
        deleted UInt8,
        body String
      ) ENGINE = ReplacingMergeTree(updated)
      ORDER BY (project, kind, id)`,
      `CREATE TABLE IF NOT EXISTS ${t('idempotency')} (
        project String,
        key String,
        created UInt64,
        status UInt16,
        response String
      ) ENGINE = ReplacingMergeTree(created)
      ORDER BY (project, key)`,
    ],
  },
  {
    id: 2,
    name: 'stored time series',
    statements: (t) => [
      // Points of named business / model-health series (POST /v1/series/{name}/points); a point
      // re-sent for the same time replaces the earlier one.
      `CREATE TABLE IF NOT EXISTS ${t('series_points')} (
        project String,
        name String,
        ts Int64,
        value Float64,
        received UInt64
      ) ENGINE = ReplacingMergeTree(received)
      ORDER BY (project, name, ts)`,
    ],
  },
  labsMigration,
  monitorMigration,
  authMigration,
];

/**
 * migrate brings the schema up to date; safe to call on every start, and safe to kill at any
 * point: every statement is idempotent and a migration's bookkeeping row is written only after
 * all of its statements, so a run cut short is finished by the next one. A statement that
 * fails because its object is already there (a re-run of a statement without IF NOT EXISTS
 * whose effect landed before a crash) counts as done.
 */
export async function migrate(store: Store): Promise<number[]> {
  const pause = migrationPauseMs();
  const step = async (label: string, run: () => Promise<void>) => {
    if (pause > 0) {
      // Test hook (crash-safety tests): announce each step and linger, so a kill lands inside it.
      process.stderr.write(`vigil-migration-step ${label}\n`);
      await new Promise((r) => setTimeout(r, pause));
    }
    await run();
  };
  await step('database', () => store.exec(`CREATE DATABASE IF NOT EXISTS ${store.database}`));
  await step('bookkeeping', () =>
    store.exec(
      `CREATE TABLE IF NOT EXISTS ${store.table('migrations')} (id UInt32, name String, applied UInt64)
     ENGINE = ReplacingMergeTree(applied) ORDER BY id`,
    ),
  );
  const done = new Set(
    (await store.query<{ id: number }>(`SELECT id FROM ${store.table('migrations')} FINAL`)).map((r) =>
      Number(r.id),
    ),
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    const statements = m.statements((n) => store.table(n));
    for (const [i, sql] of statements.entries()) {
      await step(`${m.id}.${i + 1}/${statements.length}`, async () => {
        try {
          await store.exec(sql);
        } catch (e) {
          if (!alreadyApplied(e)) throw e;
        }
      });
    }
    await step(`${m.id}.done`, () =>
      store.insert(
        'migrations',
        Buffer.from(`${JSON.stringify({ id: m.id, name: m.name, applied: Date.now() })}\n`),
      ),
    );
    applied.push(m.id);
  }
  return applied;
}

/** alreadyApplied: ClickHouse refused a DDL because its effect is already there. */
function alreadyApplied(e: unknown): boolean {
  const message = e instanceof Error ? `${e.message} ${String(e.cause ?? '')}` : String(e);
  // TABLE_ALREADY_EXISTS 57, DATABASE_ALREADY_EXISTS 82, DUPLICATE_COLUMN 15, and the
  // "already exists" of indexes and columns on newer servers.
  return /Code: (57|82|15)\b|TABLE_ALREADY_EXISTS|DATABASE_ALREADY_EXISTS|DUPLICATE_COLUMN|already exists/i.test(
    message,
  );
}

/** migrationPauseMs reads the crash-safety tests' hook; 0 (off) unless the variable is set. */
function migrationPauseMs(): number {
  const v = Number(process.env['VIGIL_TEST_MIGRATION_PAUSE_MS'] ?? 0);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 60_000) : 0;
}
