import type { Store } from '../store/index.js';
import type { RowsSql } from './drift-aggregates.js';
import { fin, type Window, windowWhere } from './windows.js';

/** Columns of a record as features (part 0) and its outputs as features (part 1). */
const PART_COLUMNS = `num_keys AS f_nk, num_values AS f_nv, cat_keys AS f_ck, cat_values AS f_cv, null_keys AS f_null,
      if(isNull(pred_score), emptyArrayString(), ['score']) AS o_nk_score,
      arrayConcat(o_nk_score, if(isNull(pred_value), emptyArrayString(), ['value'])) AS o_nk,
      arrayConcat(if(isNull(pred_score), emptyArrayFloat64(), [assumeNotNull(pred_score)]),
                  if(isNull(pred_value), emptyArrayFloat64(), [assumeNotNull(pred_value)])) AS o_nv,
      if(isNull(pred_label), emptyArrayString(), ['label']) AS o_ck,
      if(isNull(pred_label), emptyArrayString(), [assumeNotNull(pred_label)]) AS o_cv`;

/**
 * partRows is the drift row shape (drift-aggregates.ts) with a `part` column over `source`
 * (rows of PART_COLUMNS plus `side` and whatever else the caller keeps): part 0 holds the
 * record's features, part 1 (with outputs) the model's outputs as features — the score and
 * regression value numeric, the label categorical — so both are aggregated from one scan.
 */
export function partRows(source: string, outputs: boolean, keep = 'side'): RowsSql {
  if (!outputs)
    return `SELECT ${keep}, toUInt8(0) AS part, f_nk AS num_keys, f_nv AS num_values, f_ck AS cat_keys,
        f_cv AS cat_values, f_null AS null_keys FROM (${source})`;
  return `SELECT ${keep}, part, if(part = 0, f_nk, o_nk) AS num_keys, if(part = 0, f_nv, o_nv) AS num_values,
      if(part = 0, f_ck, o_ck) AS cat_keys, if(part = 0, f_cv, o_cv) AS cat_values,
      if(part = 0, f_null, emptyArrayString()) AS null_keys
    FROM (${source}) ARRAY JOIN [toUInt8(0), toUInt8(1)] AS part`;
}

/** windowSource selects one window's records in PART_COLUMNS, tagged with `side`. */
export function windowSource(store: Store, project: string, model: string, w: Window, side: 0 | 1): string {
  return `SELECT toUInt8(${side}) AS side, ts, ${PART_COLUMNS} FROM ${store.table('records')}${fin(w)}
    WHERE ${windowWhere(project, model, w)}`;
}
