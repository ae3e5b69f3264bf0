import { int, joinSql, num, type Sql, sql } from '../sql.js';
import type { Store } from '../store.js';
import { fin, type RecordWindow, windowWhere } from './record-window.js';

/**
 * DriftRowSet describes the records a drift aggregation reads; drift-aggregates.ts turns it into
 * the drift row shape: side UInt8 (0 = reference, 1 = current), part UInt8, num_keys
 * Array(String), num_values Array(Float64), cat_keys Array(String), cat_values Array(String),
 * null_keys Array(String).
 */
export type DriftRowSet = DriftWindows | BaselineChunks;

/**
 * DriftWindows: the baseline (side 0) and the current window (side 1; absent: the baseline
 * alone). With outputs, part 0 holds the features and part 1 the model's outputs as features (the
 * score and regression value numeric, the label categorical), so both come from one scan.
 */
export interface DriftWindows {
  kind: 'windows';
  project: string;
  model: string;
  baseline: RecordWindow;
  current?: RecordWindow | undefined;
  outputs: boolean;
}

/**
 * BaselineChunks: the baseline cut by time into `chunks` chunks at `bounds` (chunk c holds
 * bounds[c − 1] ≤ ts < bounds[c]); each record joins every chunk's part as the reference (side 0)
 * and its own chunk's part as the current side (1), so part c compares chunk c with the whole
 * baseline (adaptive thresholds).
 */
export interface BaselineChunks {
  kind: 'baselineChunks';
  project: string;
  model: string;
  baseline: RecordWindow;
  chunks: number;
  bounds: readonly number[];
}

/** partsOf is how many parts a row set has. */
export function partsOf(rows: DriftRowSet): number {
  if (rows.kind === 'baselineChunks') return rows.chunks;
  return rows.outputs ? 2 : 1;
}

/** Columns of a record as features (part 0) and its outputs as features (part 1). */
const PART_COLUMNS = sql`num_keys AS f_nk, num_values AS f_nv, cat_keys AS f_ck, cat_values AS f_cv, null_keys AS f_null,
      if(isNull(pred_score), emptyArrayString(), ['score']) AS o_nk_score,
      arrayConcat(o_nk_score, if(isNull(pred_value), emptyArrayString(), ['value'])) AS o_nk,
      arrayConcat(if(isNull(pred_score), emptyArrayFloat64(), [assumeNotNull(pred_score)]),
                  if(isNull(pred_value), emptyArrayFloat64(), [assumeNotNull(pred_value)])) AS o_nv,
      if(isNull(pred_label), emptyArrayString(), ['label']) AS o_ck,
      if(isNull(pred_label), emptyArrayString(), [assumeNotNull(pred_label)]) AS o_cv`;

/**
 * partRows is the drift row shape over `source` (rows of PART_COLUMNS plus `side` and whatever
 * `keep` names): part 0 holds the record's features, part 1 (with outputs) its outputs.
 */
export function partRows(source: Sql, outputs: boolean, keep: Sql = sql`side`): Sql {
  if (!outputs)
    return sql`SELECT ${keep}, toUInt8(0) AS part, f_nk AS num_keys, f_nv AS num_values, f_ck AS cat_keys,
        f_cv AS cat_values, f_null AS null_keys FROM (${source})`;
  return sql`SELECT ${keep}, part, if(part = 0, f_nk, o_nk) AS num_keys, if(part = 0, f_nv, o_nv) AS num_values,
      if(part = 0, f_ck, o_ck) AS cat_keys, if(part = 0, f_cv, o_cv) AS cat_values,
      if(part = 0, f_null, emptyArrayString()) AS null_keys
    FROM (${source}) ARRAY JOIN [toUInt8(0), toUInt8(1)] AS part`;
}

/** windowSource selects one window's records in PART_COLUMNS, tagged with `side`. */
export function windowSource(
  store: Store,
  project: string,
  model: string,
  w: RecordWindow,
  side: 0 | 1,
): Sql {
  return sql`SELECT toUInt8(${int(side)}) AS side, ts, ${PART_COLUMNS} FROM ${store.table('records')}${fin(w)}
    WHERE ${windowWhere(project, model, w)}`;
}

/** driftRowsSql is a row set's rows in the drift row shape. */
export function driftRowsSql(store: Store, rows: DriftRowSet): Sql {
  if (rows.kind === 'windows') {
    const base = windowSource(store, rows.project, rows.model, rows.baseline, 0);
    const source = rows.current
      ? sql`${base} UNION ALL ${windowSource(store, rows.project, rows.model, rows.current, 1)}`
      : base;
    return partRows(source, rows.outputs);
  }
  const records = sql`${store.table('records')}${fin(rows.baseline)} WHERE ${windowWhere(rows.project, rows.model, rows.baseline)}`;
  const last = rows.chunks - 1;
  const chunkOf =
    rows.bounds.length === 0
      ? sql`0`
      : sql`multiIf(${joinSql(
          rows.bounds.map((b, c) => sql`ts < ${int(b)}, ${int(c)}`),
          ', ',
        )}, ${int(last)})`;
  const parts = joinSql(
    Array.from({ length: rows.chunks }, (_, c) => sql`toUInt8(${int(c)})`),
    ', ',
  );
  const sides = joinSql(
    [...Array.from({ length: rows.chunks }, () => sql`toUInt8(0)`), sql`toUInt8(1)`],
    ', ',
  );
  return sql`SELECT side, part, num_keys, num_values, cat_keys, cat_values, null_keys
    FROM (SELECT ts, num_keys, num_values, cat_keys, cat_values, null_keys FROM ${records})
    ARRAY JOIN [${parts}, toUInt8(${chunkOf})] AS part, [${sides}] AS side`;
}

/**
 * baselineChunkBounds gives the timestamps that cut a baseline into `chunks` chunks of about
 * equal size (its timestamps' quantiles; quantilesExact returns recorded timestamps, integers,
 * on both engines).
 */
export async function baselineChunkBounds(
  store: Store,
  opts: { project: string; model: string; baseline: RecordWindow; chunks: number },
): Promise<number[]> {
  const qs = joinSql(
    Array.from({ length: opts.chunks - 1 }, (_, i) => num((i + 1) / opts.chunks)),
    ', ',
  );
  const [edges] = await store.query<{ e: number[] }>(
    sql`SELECT quantilesExact(${qs})(ts) AS e FROM ${store.table('records')}${fin(opts.baseline)} WHERE ${windowWhere(opts.project, opts.model, opts.baseline)}`,
  );
  return (edges?.e ?? []).map(Number).filter(Number.isSafeInteger);
}
