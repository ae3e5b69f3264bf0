import { int, type Store, str } from '../store/index.js';
import type { RowsSql } from './drift-aggregates.js';

/** Window selects records of one model: an environment, optionally a version and a time range. */
export interface Window {
  /**
   * final reads with FINAL (the default), so a re-sent record counts once. Only a caller that
   * wrote the rows itself with unique ids (the offline report) may turn it off.
   */
  final?: boolean | undefined;
  environment: string;
  version?: string | undefined;
  /** fromMs is inclusive, toMs exclusive (epoch milliseconds of the record's timestamp). */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** segment keeps the records whose tag `tag` has the value `value` (monitors scoped to a segment). */
  segment?: { tag: string; value: string } | null | undefined;
}

/** windowWhere is the WHERE clause of a window; every value is a literal through sql.ts. */
export function windowWhere(project: string, model: string, w: Window): string {
  const parts = [`project = ${str(project)}`, `model = ${str(model)}`, `environment = ${str(w.environment)}`];
  if (w.version !== undefined) parts.push(`version = ${str(w.version)}`);
  if (w.fromMs !== undefined) parts.push(`ts >= ${int(w.fromMs)}`);
  if (w.toMs !== undefined) parts.push(`ts < ${int(w.toMs)}`);
  if (w.segment)
    parts.push(
      `arrayElement(tag_values, indexOf(tag_keys, ${str(w.segment.tag)})) = ${str(w.segment.value)}`,
    );
  return parts.join(' AND ');
}

/** fin is the FINAL clause of a window's read. */
export const fin = (w: Window) => (w.final === false ? '' : ' FINAL');

const FEATURE_COLUMNS = 'num_keys, num_values, cat_keys, cat_values, null_keys';

/** recordRows gives the drift row shape for a reference and a current window of stored records. */
export function recordRows(store: Store, project: string, model: string, ref: Window, cur: Window): RowsSql {
  const records = store.table('records');
  return `SELECT toUInt8(0) AS side, ${FEATURE_COLUMNS} FROM ${records}${fin(ref)} WHERE ${windowWhere(project, model, ref)}
    UNION ALL
    SELECT toUInt8(1) AS side, ${FEATURE_COLUMNS} FROM ${records}${fin(cur)} WHERE ${windowWhere(project, model, cur)}`;
}

/**
 * predictionRows gives the same row shape with the model's outputs as the features: the score
 * and regression value as numeric, the label as categorical, so prediction drift runs through
 * the same aggregation as feature drift.
 */
export function predictionRows(
  store: Store,
  project: string,
  model: string,
  ref: Window,
  cur: Window,
): RowsSql {
  const records = store.table('records');
  const cols = `if(isNull(pred_score), emptyArrayString(), ['score']) AS num_keys_s,
      arrayConcat(num_keys_s, if(isNull(pred_value), emptyArrayString(), ['value'])) AS num_keys,
      arrayConcat(if(isNull(pred_score), emptyArrayFloat64(), [assumeNotNull(pred_score)]),
                  if(isNull(pred_value), emptyArrayFloat64(), [assumeNotNull(pred_value)])) AS num_values,
      if(isNull(pred_label), emptyArrayString(), ['label']) AS cat_keys,
      if(isNull(pred_label), emptyArrayString(), [assumeNotNull(pred_label)]) AS cat_values,
      emptyArrayString() AS null_keys`;
  return `SELECT toUInt8(0) AS side, ${cols} FROM ${records}${fin(ref)} WHERE ${windowWhere(project, model, ref)}
    UNION ALL
    SELECT toUInt8(1) AS side, ${cols} FROM ${records}${fin(cur)} WHERE ${windowWhere(project, model, cur)}`;
}
