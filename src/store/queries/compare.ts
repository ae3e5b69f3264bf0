import { int, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { type RecordWindow, windowWhere } from './record-window.js';

/** CompareSideQuery selects one version's labelled predictions (one side of a comparison). */
export interface CompareSideQuery {
  project: string;
  model: string;
  /** The window: environment, the side's version (required) and the time range. */
  window: RecordWindow & { version: string };
  /** tag, when given, is read into `seg` per record ('' when the record lacks it). */
  tag?: string | undefined;
  /** limit: at most this many rows come back (the caller asks for one more than it accepts). */
  limit: number;
}

/** CompareRow is one labelled prediction of a version, with its actual (the later word wins). */
export interface CompareRow {
  id: string;
  seg: string;
  pred_label: string | null;
  pred_score: number | null;
  pred_value: number | null;
  pred_class_keys: string[];
  pred_class_scores: number[];
  pred_ranking: string[];
  y_label: string | null;
  y_value: number | null;
  y_rel_keys: string[];
  y_rel_values: number[];
}

/**
 * selectCompareRows: a version's labelled predictions in the window, one row per record id (FINAL),
 * with the actual from the `actuals` table when one arrived, else the one sent with the record;
 * ordered by id so that equal inputs give equal outputs.
 */
export function selectCompareRows(store: Store, q: CompareSideQuery): Promise<CompareRow[]> {
  const seg = q.tag === undefined ? sql`''` : sql`arrayElement(tag_values, indexOf(tag_keys, ${str(q.tag)}))`;
  return store.query<CompareRow>(
    sql`SELECT id, seg, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores, pred_ranking,
            if(found, a_label, act_label) AS y_label,
            if(found, a_value, act_value) AS y_value,
            if(found, a_rel_keys, act_rel_keys) AS y_rel_keys,
            if(found, a_rel_values, act_rel_values) AS y_rel_values
     FROM (SELECT project, model, id, ${seg} AS seg, pred_label, pred_score, pred_value, pred_class_keys,
                  pred_class_scores, pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual
           FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)}) AS r
     ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, act_value AS a_value,
                           act_rel_keys AS a_rel_keys, act_rel_values AS a_rel_values
                    FROM ${store.table('actuals')} FINAL
                    WHERE project = ${str(q.project)} AND model = ${str(q.model)}) AS a
     USING (project, model, id)
     WHERE found = 1 OR has_actual = 1
     ORDER BY id
     LIMIT ${int(q.limit)}`,
  );
}

/** countVersionRecords counts a version's records in a window (labelled or not). */
export async function countVersionRecords(
  store: Store,
  q: Pick<CompareSideQuery, 'project' | 'model' | 'window'>,
): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)}`,
  );
  return Number(row?.n ?? 0);
}
