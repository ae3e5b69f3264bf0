import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/** Migration 2: points of named business / model-health series. */
export const migration0002: Migration = {
  id: 2,
  name: 'stored time series',
  statements: (t) => [
    // Points of named business / model-health series (POST /v1/series/{name}/points); a point
    // re-sent for the same time replaces the earlier one.
    sql`CREATE TABLE IF NOT EXISTS ${t('series_points')} (
        project String,
        name String,
        ts Int64,
        value Float64,
        received UInt64
      ) ENGINE = ReplacingMergeTree(received)
      ORDER BY (project, name, ts)`,
  ],
};
