import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 10 creates the tables several `vigil serve` nodes on one store coordinate through.
 *
 * The leases table: which `vigil serve` node runs the scheduled work
 * (monitor evaluation, view warming) when several share one store (shared/lease.ts decides,
 * queries/leases.ts reads and writes). One row per claim of a term by a holder; a renewal
 * rewrites the same (name, term, holder) with a later `expires`, and the latest expiry wins.
 *
 * write_marks counts the writes of every node (queries/write-marks.ts): a node's response cache
 * keeps an answer only while the total has not moved, so a write through one node is never
 * hidden by another node's cached answer. One row per write, summed by node as parts merge;
 * `seq` (the node's own count) makes each row differ, or a replicated table would drop a repeated
 * insert of the same block as a duplicate.
 */
export const migration0010: Migration = {
  id: 10,
  name: 'leases and write marks',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('leases')} (
      name String,
      term UInt64,
      holder String,
      expires UInt64
    ) ENGINE = ReplacingMergeTree(expires)
    ORDER BY (name, term, holder)`,
    sql`CREATE TABLE IF NOT EXISTS ${t('write_marks')} (
      node String,
      seq UInt64,
      n UInt64
    ) ENGINE = SummingMergeTree(n)
    ORDER BY node`,
  ],
};
