import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 9: the columns of a forecast (task `forecast`, docs/forecasting.md).
 *
 * On `records`, one forecast each: its horizon (milliseconds, and the step count when the
 * horizon was given in steps), its target time (Int64 epoch ms: ClickHouse 18.16 has no
 * DateTime64), its series key, and an optional prediction interval (lower, upper, level).
 * On `actuals`, the series key and target time of an actual sent for a series rather than
 * for one record id: such an actual settles every forecast of that series for that target
 * time, at every horizon, whenever it arrives (see store/queries/forecast.ts).
 *
 * Plain `ADD COLUMN` (18.16 has no `IF NOT EXISTS` there): a re-run after a crash meets
 * DUPLICATE_COLUMN, which the migration runner counts as done. New columns are Nullable, so
 * rows written before the migration read as "not a forecast".
 */
export const migration0009: Migration = {
  id: 9,
  name: 'forecast columns',
  statements: (t) => [
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_series Nullable(String)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_target Nullable(Int64)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_horizon_ms Nullable(Int64)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_horizon_steps Nullable(Int64)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_lower Nullable(Float64)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_upper Nullable(Float64)`,
    sql`ALTER TABLE ${t('records')} ADD COLUMN fc_level Nullable(Float64)`,
    sql`ALTER TABLE ${t('actuals')} ADD COLUMN fc_series Nullable(String)`,
    sql`ALTER TABLE ${t('actuals')} ADD COLUMN fc_target Nullable(Int64)`,
  ],
};
