import {
  type FileColumn,
  type FileRoleColumns,
  isNumericType as isNumeric,
  readTypeOf,
} from '../../shared/index.js';
import { columnIdent as ident, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { FILE_READ_SETTINGS, isMissingSql, spelledNumberSql } from './number-spelling.js';

/**
 * timestampSql reads a time column: numbers (typed, or text that spells a number) are epoch
 * milliseconds, anything else is parsed.
 */
function timestampSql(col: string, columns: readonly FileColumn[]): Sql {
  const type = columns.find((c) => c.name === col)?.type ?? '';
  if (isNumeric(type)) return sql`toInt64(ifNull(toFloat64OrNull(toString(${ident(col)})), 0))`;
  return sql`ifNull(toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(toString(${ident(col)}), 3, 'UTC')), 0)`;
}

/**
 * insertFileRecords loads a data file into `records` entirely inside ClickHouse (INSERT … SELECT
 * FROM file()): numeric columns become numeric features, everything else categorical, nulls
 * missing — the layout HTTP ingest writes, so the offline report runs the server's own queries.
 * For the embedded engine only (file() reads the local disk).
 */
export async function insertFileRecords(
  store: Store,
  file: { path: string; format: string; columns: readonly FileColumn[] },
  target: { project: string; model: string; environment: string },
  roles: FileRoleColumns,
  regression: boolean,
): Promise<void> {
  const roleNames = new Set(Object.values(roles).filter((v): v is string => v !== undefined));
  const features = file.columns.filter((c) => !roleNames.has(c.name));
  const numeric = features.filter((c) => isNumeric(c.type));
  const categorical = features.filter((c) => !isNumeric(c.type));
  // Role values by the number spellings (number-spelling.ts); a metric takes finite numbers only.
  const text = (col: string) => sql`toString(${ident(col)})`;
  const label = (col: string) => sql`if(${isMissingSql(text(col))}, NULL, ${text(col)})`;
  const value = (col: string) =>
    sql`if(isFinite(${spelledNumberSql(text(col))}), ${spelledNumberSql(text(col))}, NULL)`;
  const isNum = new Set(numeric.map((c) => c.name));
  const read = (c: FileColumn) => (isNum.has(c.name) ? value(c.name) : text(c.name));
  const keys = (cols: readonly FileColumn[], present: boolean) =>
    cols.length === 0
      ? sql`emptyArrayString()`
      : sql`arrayFilter(k -> k != '', [${joinSql(
          cols.map((c) => sql`if(isNull(${read(c)}) = ${present ? sql`0` : sql`1`}, ${str(c.name)}, '')`),
          ', ',
        )}])`;
  const values = (cols: readonly FileColumn[], empty: Sql) =>
    cols.length === 0
      ? empty
      : sql`arrayMap(v -> assumeNotNull(v), arrayFilter(v -> isNotNull(v), [${joinSql(cols.map(read), ', ')}]))`;
  const cols: Array<[Sql, Sql]> = [
    [sql`project`, str(target.project)],
    [sql`model`, str(target.model)],
    [sql`environment`, str(target.environment)],
    [sql`version`, sql`'default'`],
    [sql`id`, roles.id ? text(roles.id) : sql`toString(generateUUIDv4())`],
    [sql`ts`, roles.timestamp ? timestampSql(roles.timestamp, file.columns) : sql`0`],
    [sql`received`, sql`0`],
    [sql`num_keys`, keys(numeric, true)],
    [sql`num_values`, values(numeric, sql`emptyArrayFloat64()`)],
    [sql`cat_keys`, keys(categorical, true)],
    [sql`cat_values`, values(categorical, sql`emptyArrayString()`)],
    [sql`null_keys`, keys(features, false)],
  ];
  if (roles.score) cols.push([sql`pred_score`, value(roles.score)]);
  if (roles.prediction)
    cols.push(
      regression ? [sql`pred_value`, value(roles.prediction)] : [sql`pred_label`, label(roles.prediction)],
    );
  if (roles.score && !roles.prediction) cols.push([sql`pred_label`, sql`NULL`]);
  if (roles.target) {
    cols.push(regression ? [sql`act_value`, value(roles.target)] : [sql`act_label`, label(roles.target)]);
    cols.push([
      sql`has_actual`,
      sql`toUInt8(isNotNull(${regression ? value(roles.target) : label(roles.target)}))`,
    ]);
  }
  const structure = file.columns.map((c) => `${ident(c.name)} ${readTypeOf(c.type, file.format)}`).join(', ');
  const names = joinSql(
    cols.map((c) => c[0]),
    ', ',
  );
  const exprs = joinSql(
    cols.map((c) => c[1]),
    ', ',
  );
  await store.exec(sql`INSERT INTO ${store.table('records')} (${names})
    SELECT ${exprs} FROM file(${str(file.path)}, ${str(file.format)}, ${str(structure)})
    SETTINGS storage_file_read_method = 'pread', ${FILE_READ_SETTINGS}`);
}

/**
 * useMemoryRecords swaps the records table for an empty Memory table of the same columns (the
 * report's throw-away store): a Memory table skips the sort, compression and merges of the
 * MergeTree.
 */
export async function useMemoryRecords(store: Store): Promise<void> {
  const records = store.table('records');
  const memory = sql`${records}_mem`;
  await store.exec(sql`CREATE TABLE ${memory} AS ${records} ENGINE = Memory`);
  await store.exec(sql`DROP TABLE ${records}`);
  await store.exec(sql`RENAME TABLE ${memory} TO ${records}`);
}

/** actualLabelCounts counts the stored records' actual labels, most frequent first (at most 50). */
export async function actualLabelCounts(store: Store): Promise<Array<{ label: string; n: number }>> {
  return store.query<{ label: string; n: number }>(
    sql`SELECT assumeNotNull(act_label) AS label, count() AS n FROM ${store.table('records')}
       WHERE isNotNull(act_label) GROUP BY label ORDER BY n DESC LIMIT 50`,
  );
}
