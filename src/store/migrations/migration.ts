import type { Sql } from '../sql.js';
import type { TableName } from '../store.js';

/**
 * A Migration is one versioned step of the schema. Its id and name are written to the
 * `migrations` table when it has run, so both stay as they are once released; its statements
 * are idempotent (IF NOT EXISTS), written with the `sql` tag over the qualified table names
 * that `t` gives.
 *
 * The same statements build the schema of a ClickHouse cluster (`--cluster`): the runner
 * rewrites each one (../cluster.ts) into replicated local tables `<name>_local` behind
 * Distributed tables `<name>`, all ON CLUSTER. For that to work a migration must:
 * - name every table through `t('name')` (never a literal database), one statement per Sql;
 * - create tables with an engine of the MergeTree family and an `ORDER BY`: the table is
 *   sharded by cityHash64 of the ORDER BY columns (rows that replace or merge with each other
 *   must share them), unless cluster.ts SHARD_KEYS lists the table (records and actuals, and
 *   `records_<x>` / `actuals_<x>` rebuilds of them, shard by (project, model, id));
 * - give a materialized view a `TO` table of its own (it runs per shard, over the local
 *   tables), and read its target with aggregation (`GROUP BY` with -Merge/sum), not FINAL
 *   alone: one key's partial rows may sit on several shards;
 * - change tables with ALTER TABLE (columns, or DELETE/UPDATE mutations), RENAME TABLE (a rebuild:
 *   create `<name>_new`, INSERT … SELECT, RENAME swap, DROP the old one; re-create its
 *   materialized views) or DROP TABLE: each becomes its ON CLUSTER form on the local tables, and
 *   the Distributed tables are made again where their columns or targets changed;
 * - not end a table name in `_local` (that suffix is the cluster's local tables).
 * Each rewritten statement waits for every node of the cluster (ON CLUSTER); a migration runs
 * while all nodes are up.
 */
export interface Migration {
  id: number;
  name: string;
  statements: (t: (name: TableName) => Sql) => Sql[];
}
