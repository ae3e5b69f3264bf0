import { int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { type RecordWindow, windowWhere } from './record-window.js';

/** CompareSideQuery selects one side's labelled predictions (one side of a comparison). */
export interface CompareSideQuery {
  project: string;
  /** The side's model (two models scored on the same ids are compared side by side). */
  model: string;
  /** The window: environment, the side's version (all versions when absent) and the time range. */
  window: RecordWindow;
  /** tags are read into `segs` per record, in order ('' when the record lacks one). */
  tags?: readonly string[] | undefined;
  /** features are read into `f_*` per record, in order (numeric and categorical value, and which it has). */
  features?: readonly string[] | undefined;
  /** limit: at most this many rows come back (the caller asks for one more than it accepts). */
  limit: number;
}

/** CompareRow is one labelled prediction of a side, with its actual (the later word wins). */
export interface CompareRow {
  id: string;
  segs: string[];
  /** Per requested feature: 1 when the record has it as a number, and the number (0 otherwise). */
  f_has_num: number[];
  f_num: number[];
  /** Per requested feature: 1 when the record has it as a category, and the value ('' otherwise). */
  f_has_cat: number[];
  f_cat: string[];
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

const list = (xs: readonly string[], each: (x: Sql) => Sql, empty: Sql): Sql =>
  xs.length === 0
    ? empty
    : sql`[${joinSql(
        xs.map((x) => each(str(x))),
        ', ',
      )}]`;

/**
 * selectCompareRows: a side's labelled predictions in the window, one row per (version, id)
 * (FINAL), with the actual from the `actuals` table when one arrived, else the one sent with the
 * record; ordered by id (then version) so that equal inputs give equal outputs.
 */
export function selectCompareRows(store: Store, q: CompareSideQuery): Promise<CompareRow[]> {
  const tags = q.tags ?? [];
  const features = q.features ?? [];
  const segs = list(
    tags,
    (t) => sql`arrayElement(tag_values, indexOf(tag_keys, ${t}))`,
    sql`emptyArrayString()`,
  );
  const hasNum = list(features, (f) => sql`toUInt8(has(num_keys, ${f}))`, sql`emptyArrayUInt8()`);
  const numV = list(
    features,
    (f) => sql`arrayElement(num_values, indexOf(num_keys, ${f}))`,
    sql`emptyArrayFloat64()`,
  );
  const hasCat = list(features, (f) => sql`toUInt8(has(cat_keys, ${f}))`, sql`emptyArrayUInt8()`);
  const catV = list(
    features,
    (f) => sql`arrayElement(cat_values, indexOf(cat_keys, ${f}))`,
    sql`emptyArrayString()`,
  );
  return store.query<CompareRow>(
    sql`SELECT id, segs, f_has_num, f_num, f_has_cat, f_cat,
            pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores, pred_ranking,
            if(found, a_label, act_label) AS y_label,
            if(found, a_value, act_value) AS y_value,
            if(found, a_rel_keys, act_rel_keys) AS y_rel_keys,
            if(found, a_rel_values, act_rel_values) AS y_rel_values
     FROM (SELECT project, model, id, version, ${segs} AS segs, ${hasNum} AS f_has_num, ${numV} AS f_num,
                  ${hasCat} AS f_has_cat, ${catV} AS f_cat, pred_label, pred_score, pred_value, pred_class_keys,
                  pred_class_scores, pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual
           FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)}) AS r
     ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, act_value AS a_value,
                           act_rel_keys AS a_rel_keys, act_rel_values AS a_rel_values
                    FROM ${store.table('actuals')} FINAL
                    WHERE project = ${str(q.project)} AND model = ${str(q.model)}) AS a
     USING (project, model, id)
     WHERE found = 1 OR has_actual = 1
     ORDER BY id, version
     LIMIT ${int(q.limit)}`,
  );
}

/** countVersionRecords counts a side's records in a window (labelled or not). */
export async function countVersionRecords(
  store: Store,
  q: Pick<CompareSideQuery, 'project' | 'model' | 'window'>,
): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('records')} FINAL WHERE ${windowWhere(q.project, q.model, q.window)}`,
  );
  return Number(row?.n ?? 0);
}
