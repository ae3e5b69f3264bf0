import { type FileColumn, isNumericType as isNumeric } from '../ingest/files/index.js';
import {
  FILE_READ_SETTINGS,
  isMissingSql,
  readTypeOf,
  spelledNumberSql,
} from '../ingest/files/number-spelling.js';
import { columnIdent as ident, type Store, str } from '../store/index.js';

/** FileRoleColumns name the columns of a file that are not features. */
export interface FileRoleColumns {
  target?: string | undefined;
  prediction?: string | undefined;
  score?: string | undefined;
  id?: string | undefined;
  timestamp?: string | undefined;
}

/**
 * timestampSql reads a time column: numbers (typed, or text that spells a number) are epoch
 * milliseconds, anything else is parsed.
 */
function timestampSql(col: string, columns: readonly FileColumn[]): string {
  const type = columns.find((c) => c.name === col)?.type ?? '';
  if (isNumeric(type)) return `toInt64(ifNull(toFloat64OrNull(toString(${ident(col)})), 0))`;
  return `ifNull(toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(toString(${ident(col)}), 3, 'UTC')), 0)`;
}

/**
 * insertFileSql loads a data file into `records` entirely inside ClickHouse (INSERT … SELECT
 * FROM file()): numeric columns become numeric features, everything else categorical, nulls
 * missing — the layout HTTP ingest writes, so the offline report runs the server's own queries.
 * For the embedded engine only (file() reads the local disk).
 */
export function insertFileSql(
  store: Store,
  file: { path: string; format: string; columns: readonly FileColumn[] },
  target: { project: string; model: string; environment: string },
  roles: FileRoleColumns,
  regression: boolean,
): string {
  const roleNames = new Set(Object.values(roles).filter((v): v is string => v !== undefined));
  const features = file.columns.filter((c) => !roleNames.has(c.name));
  const numeric = features.filter((c) => isNumeric(c.type));
  const categorical = features.filter((c) => !isNumeric(c.type));
  // Role values by the number spellings (number-spelling.ts); a metric takes finite numbers only.
  const label = (col: string) =>
    `if(${isMissingSql(`toString(${ident(col)})`)}, NULL, toString(${ident(col)}))`;
  const value = (col: string) =>
    `if(isFinite(${spelledNumberSql(`toString(${ident(col)})`)}), ${spelledNumberSql(`toString(${ident(col)})`)}, NULL)`;
  const isNum = new Set(numeric.map((c) => c.name));
  const read = (c: FileColumn) => (isNum.has(c.name) ? value(c.name) : `toString(${ident(c.name)})`);
  const keys = (cols: readonly FileColumn[], present: boolean) =>
    cols.length === 0
      ? 'emptyArrayString()'
      : `arrayFilter(k -> k != '', [${cols.map((c) => `if(isNull(${read(c)}) = ${present ? 0 : 1}, ${str(c.name)}, '')`).join(', ')}])`;
  const numValues =
    numeric.length === 0
      ? 'emptyArrayFloat64()'
      : `arrayMap(v -> assumeNotNull(v), arrayFilter(v -> isNotNull(v), [${numeric.map(read).join(', ')}]))`;
  const catValues =
    categorical.length === 0
      ? 'emptyArrayString()'
      : `arrayMap(v -> assumeNotNull(v), arrayFilter(v -> isNotNull(v), [${categorical.map(read).join(', ')}]))`;
  const readAs = (c: FileColumn) => readTypeOf(c.type, file.format);
  const cols: Array<[string, string]> = [
    ['project', str(target.project)],
    ['model', str(target.model)],
    ['environment', str(target.environment)],
    ['version', "'default'"],
    ['id', roles.id ? `toString(${ident(roles.id)})` : 'toString(generateUUIDv4())'],
    ['ts', roles.timestamp ? timestampSql(roles.timestamp, file.columns) : '0'],
    ['received', '0'],
    ['num_keys', keys(numeric, true)],
    ['num_values', numValues],
    ['cat_keys', keys(categorical, true)],
    ['cat_values', catValues],
    ['null_keys', keys(features, false)],
  ];
  if (roles.score) cols.push(['pred_score', value(roles.score)]);
  if (roles.prediction)
    cols.push(regression ? ['pred_value', value(roles.prediction)] : ['pred_label', label(roles.prediction)]);
  if (roles.score && !roles.prediction) cols.push(['pred_label', 'NULL']);
  if (roles.target) {
    cols.push(regression ? ['act_value', value(roles.target)] : ['act_label', label(roles.target)]);
    cols.push([
      'has_actual',
      `toUInt8(isNotNull(${regression ? value(roles.target) : label(roles.target)}))`,
    ]);
  }
  return `INSERT INTO ${store.table('records')} (${cols.map((c) => c[0]).join(', ')})
    SELECT ${cols.map((c) => c[1]).join(', ')} FROM file(${str(file.path)}, ${str(file.format)}, ${str(
      file.columns.map((c) => `${ident(c.name)} ${readAs(c)}`).join(', '),
    )})
    SETTINGS storage_file_read_method = 'pread', ${FILE_READ_SETTINGS}`;
}
