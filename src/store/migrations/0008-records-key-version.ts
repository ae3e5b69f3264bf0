import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 8: `records` keyed by (project, model, environment, version, id), keeping its rows.
 *
 * Before, the key was (project, model, environment, id): two versions scoring the same record
 * id in one environment replaced each other under FINAL, so a champion and a challenger could
 * only be paired on ids across two environments. Now a re-sent record of the same version still
 * replaces the earlier one (the later `received` wins), and another version's record with the
 * same id is a record of its own.
 *
 * ClickHouse cannot change a MergeTree's ORDER BY in place, so the rows move to a new table that
 * then takes the old one's name. Plain statements that run on chdb and on ClickHouse 18.16
 * (which has RENAME TABLE but not EXCHANGE TABLES), each safe to run again after a kill:
 *
 * 1. create `records_v8` (new key) if it is not there;
 * 2. copy every row of `records` that `records_v8` does not hold yet (a re-run after a copy cut
 *    short adds only the missing rows, so no row is ever doubled);
 * 3. in one statement, rename `records` to `records_v7` and `records_v8` to `records`; when a
 *    killed run had already done it, `records_v7` exists and the rename is refused as already
 *    applied (migrate() counts "already exists" as done);
 * 4. drop `records_v7` (the old rows, all copied), and 5. drop `records_v8` if a re-run after
 *    step 3 made a spare copy in steps 1–2.
 *
 * The new table takes the old one's columns (CREATE TABLE … AS), so a column another migration
 * added before this one is kept.
 */
export const migration0008: Migration = {
  id: 8,
  name: 'records keyed by version',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('records_v8')} AS ${t('records')}
      ENGINE = ReplacingMergeTree(received)
      PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
      ORDER BY (project, model, environment, version, id)`,
    sql`INSERT INTO ${t('records_v8')}
      SELECT * FROM ${t('records')}
      WHERE (project, model, environment, version, id, received) NOT IN
        (SELECT project, model, environment, version, id, received FROM ${t('records_v8')})`,
    sql`RENAME TABLE ${t('records')} TO ${t('records_v7')}, ${t('records_v8')} TO ${t('records')}`,
    sql`DROP TABLE IF EXISTS ${t('records_v7')}`,
    sql`DROP TABLE IF EXISTS ${t('records_v8')}`,
  ],
};
