import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 6: rollup watermarks. Hourly rollups (docs/rollups.md) are recomputed from raw
 * records for the hours that changed; a model's watermark is the `received` time up to which
 * every record and actual of the model is reflected in its rollups.
 */
export const migration0006: Migration = {
  id: 6,
  name: 'rollup watermarks',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('rollup_watermarks')} (
        project String,
        model String,
        watermark UInt64,
        updated UInt64
      ) ENGINE = ReplacingMergeTree(updated)
      ORDER BY (project, model)`,
  ],
};
