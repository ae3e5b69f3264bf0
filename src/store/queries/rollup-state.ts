import { int, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/*
 * Rollup state: the watermark of each model (the `received` time up to which its records and
 * actuals are reflected in the hourly rollups) and the hours that changed since. The rollups
 * themselves are written by their own query modules (rollup-*.ts); see docs/rollups.md.
 */

/** HOUR_MS is the width of one rollup bucket. */
export const ROLLUP_HOUR_MS = 3_600_000;

export interface RollupModel {
  project: string;
  model: string;
}

/** readRollupWatermark gives a model's watermark (0: nothing rolled up yet). */
export async function readRollupWatermark(store: Store, m: RollupModel): Promise<number> {
  const [row] = await store.query<{ w: number }>(
    sql`SELECT watermark AS w FROM ${store.table('rollup_watermarks')} FINAL
        WHERE project = ${str(m.project)} AND model = ${str(m.model)} LIMIT 1`,
  );
  return Number(row?.w ?? 0);
}

/** writeRollupWatermark records that every write of the model received up to `watermark` is rolled up. */
export async function writeRollupWatermark(
  store: Store,
  m: RollupModel & { watermark: number; updated: number },
): Promise<void> {
  await store.exec(
    sql`INSERT INTO ${store.table('rollup_watermarks')} (project, model, watermark, updated)
        VALUES (${str(m.project)}, ${str(m.model)}, ${int(m.watermark)}, ${int(m.updated)})`,
  );
}

export interface DirtyHour {
  environment: string;
  /** hour is the start of the hour (epoch ms) of the records' `ts`. */
  hour: number;
}

/**
 * latestWriteSince gives the latest `received` among a model's records and actuals written after
 * `since` (0 when none): the cheap test of whether its rollups are behind.
 */
export async function latestWriteSince(store: Store, m: RollupModel & { since: number }): Promise<number> {
  const where = sql`project = ${str(m.project)} AND model = ${str(m.model)} AND received > ${int(m.since)}`;
  const [row] = await store.query<{ r: number; a: number }>(
    sql`SELECT (SELECT max(received) FROM ${store.table('records')} WHERE ${where}) AS r,
               (SELECT max(received) FROM ${store.table('actuals')} WHERE ${where}) AS a`,
  );
  return Math.max(Number(row?.r ?? 0), Number(row?.a ?? 0));
}

/**
 * dirtyHours lists the (environment, hour) of a model whose rollups are stale: hours holding a
 * record received after `since`, and hours of the predictions that an actual received after
 * `since` settles (an actual arriving days late updates its prediction's hour).
 */
export async function dirtyHours(store: Store, m: RollupModel & { since: number }): Promise<DirtyHour[]> {
  const model = sql`project = ${str(m.project)} AND model = ${str(m.model)}`;
  const hour: Sql = sql`intDiv(ts, ${int(ROLLUP_HOUR_MS)}) * ${int(ROLLUP_HOUR_MS)}`;
  const rows = await store.query<{ environment: string; hour: number }>(
    sql`SELECT environment, hour FROM (
          SELECT environment, ${hour} AS hour FROM ${store.table('records')}
          WHERE ${model} AND received > ${int(m.since)}
          UNION ALL
          SELECT environment, ${hour} AS hour FROM ${store.table('records')}
          WHERE ${model} AND id IN (SELECT id FROM ${store.table('actuals')} WHERE ${model} AND received > ${int(m.since)})
        ) GROUP BY environment, hour ORDER BY environment, hour`,
  );
  return rows.map((r) => ({ environment: r.environment, hour: Number(r.hour) }));
}

/** modelsWrittenSince lists the models with a record or an actual received after `since`. */
export async function modelsWrittenSince(store: Store, since: number): Promise<RollupModel[]> {
  return store.query<RollupModel>(
    sql`SELECT project, model FROM (
          SELECT project, model FROM ${store.table('records')} WHERE received > ${int(since)}
          UNION ALL
          SELECT project, model FROM ${store.table('actuals')} WHERE received > ${int(since)}
        ) GROUP BY project, model ORDER BY project, model`,
  );
}
