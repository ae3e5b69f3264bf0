import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 10 creates the leases table: which `vigil serve` node runs the scheduled work
 * (monitor evaluation, view warming) when several share one store (shared/lease.ts decides,
 * queries/leases.ts reads and writes). One row per claim of a term by a holder; a renewal
 * rewrites the same (name, term, holder) with a later `expires`, and the latest expiry wins.
 */
export const migration0010: Migration = {
  id: 10,
  name: 'leases',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('leases')} (
      name String,
      term UInt64,
      holder String,
      expires UInt64
    ) ENGINE = ReplacingMergeTree(expires)
    ORDER BY (name, term, holder)`,
  ],
};
