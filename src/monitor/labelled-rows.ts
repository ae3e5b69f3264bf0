import { fin, int, type Store, str, type RecordWindow as Window, windowWhere } from '../store/index.js';

/**
 * labelledRowsSql selects a window's predictions with the label known at `asOfMs`: the latest
 * actual that had arrived by then, else the one sent inline with the record. Only the window's
 * own ids are read from the actuals, so a step of a long replay joins a day of labels, not the
 * model's whole history. Columns: the record columns asked for, plus `y` (the label, nullable)
 * and `y_ts` (when the label became known: the actual's time, or the record's for an inline one).
 */
export function labelledRowsSql(
  store: Store,
  project: string,
  model: string,
  window: Window,
  asOfMs: number,
  columns: readonly string[],
): string {
  const where = windowWhere(project, model, window);
  const records = store.table('records');
  const cols = columns.join(', ');
  return `SELECT ${cols}, if(found, a_label, act_label) AS y, if(found, a_ts, ts) AS y_ts
    FROM (SELECT project, model, id, ts, ${cols}, act_label, has_actual FROM ${records}${fin(window)} WHERE ${where}) AS r
    ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, ts AS a_ts
                   FROM ${store.table('actuals')} FINAL
                   WHERE project = ${str(project)} AND model = ${str(model)} AND ts <= ${int(asOfMs)}
                     AND id IN (SELECT id FROM ${records} WHERE ${where})) AS a
    USING (project, model, id)
    WHERE found OR has_actual = 1`;
}
