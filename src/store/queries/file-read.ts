import { type FileColumn, readTypeOf } from '../../shared/index.js';
import { columnIdent as ident, joinSql, ident as name, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { FILE_READ_SETTINGS, isMissingSql, isNotNumberSql, spelledNumberSql } from './number-spelling.js';

/**
 * Reading data files (CSV, TSV, Parquet, NDJSON) with ClickHouse's file() table function: the
 * statements of `vigil ingest`, `vigil evaluate` and `vigil detect` (run by the child process of
 * store/files/file-rows.ts) and of `vigil report`'s throw-away store.
 */

/**
 * FileSelect is what a file read returns, described by its purpose: every row as it is (the
 * default), no rows (the columns only), the first value of a column that is not a number, or a
 * series: rows sorted by a time column, rows sharing a time merged into their mean.
 */
export type FileSelect =
  | { kind: 'rows' }
  | { kind: 'columns' }
  | { kind: 'firstNonNumber'; column: string }
  | { kind: 'seriesByTime'; timestamp: string; value: string };

/** FileEngine runs one statement on the engine that reads the file and returns its rows. */
export type FileEngine = (statement: Sql) => Promise<Array<Record<string, unknown>>>;

/** describeFile lists a file's columns with the types ClickHouse infers for them. */
export async function describeFile(store: Store, path: string, format: string): Promise<FileColumn[]> {
  return store.query<FileColumn>(
    sql`DESCRIBE file(${str(path)}, ${str(format)}) SETTINGS ${FILE_READ_SETTINGS}`,
  );
}

/** describeFileWith is describeFile on the file reader's own engine (a stateless session). */
export async function describeFileWith(
  engine: FileEngine,
  path: string,
  format: string,
): Promise<FileColumn[]> {
  return (await engine(sql`DESCRIBE file(${str(path)}, ${str(format)}) SETTINGS ${FILE_READ_SETTINGS}`)).map(
    (c) => ({ name: String(c['name']), type: String(c['type']) }),
  );
}

// pread, not mmap (clickhouse-local's default for file()): mapped pages count as resident
// memory and grew with the file (1.3 GB peak on a 480 MB CSV). Small blocks keep each chunk
// small. Measured with both: ~400 MB peak, most of it the engine itself, on 160 MB and 480 MB.
const READ_SETTINGS = sql`storage_file_read_method = 'pread', max_block_size = 8192, ${FILE_READ_SETTINGS}`;
const STREAM_SETTINGS = sql`SETTINGS ${READ_SETTINGS}, output_format_json_quote_64bit_integers = 0, output_format_json_quote_denormals = 0, input_format_csv_empty_as_default = 0, date_time_output_format = 'iso'`;

/** fileSource is file() with the structure given, each column read as `readTypeOf` says. */
export function fileSource(path: string, format: string, columns: ReadonlyArray<FileColumn>): Sql {
  const structure = columns.map((c) => `${ident(c.name)} ${readTypeOf(c.type, format)}`).join(', ');
  return sql`file(${str(path)}, ${str(format)}, ${str(structure)})`;
}

/** FileReadPlan is how a file's rows read: the columns' types after the number spellings, and the rows statement. */
export interface FileReadPlan {
  columns: FileColumn[];
  total: number;
  infinite: Record<string, number>;
  /** statement streams the selected rows (JSONEachRow). */
  statement: Sql;
  /** source is the file's rows as read (a subquery), for statements of store/queries over them. */
  source: Sql;
  /** select and file are the source's parts: its select list (each column as read) and file(). */
  select: Sql;
  file: Sql;
}

const isText = (t: string) => /^(Nullable\()?(LowCardinality\()?(Nullable\()?String/.test(t);
const isFloat = (t: string) => /Float/.test(t);

/**
 * planFileRead reads the file once to count its rows and judge its text columns by the number
 * spellings (number-spelling.ts): a text column whose values that are not missing all spell
 * numbers becomes a number column (Int64 when they are all integers), missing spellings
 * become NULL, and ±inf becomes NULL too (records hold finite numbers), counted in `infinite`.
 */
export async function planFileRead(
  engine: FileEngine,
  input: { path: string; format: string; columns: ReadonlyArray<FileColumn>; select: FileSelect },
): Promise<FileReadPlan> {
  const { format } = input;
  const read = input.columns.map((c) => ({ ...c, readType: readTypeOf(c.type, format) }));
  const file = fileSource(input.path, format, input.columns);
  const alias = (prefix: string, i: number) => name(`__vigil_${prefix}${i}`);
  const probes: Sql[] = [sql`count() AS __vigil_n`];
  read.forEach((c, i) => {
    const col = ident(c.name);
    if (isText(c.readType)) {
      const t = sql`trimBoth(assumeNotNull(${col}))`;
      const int = sql`toInt64OrNull(if(startsWith(${t}, '+'), substring(${t}, 2), ${t}))`;
      probes.push(
        sql`countIf(${isNotNumberSql(col)}) AS ${alias('bad', i)}`,
        sql`countIf(isNotNull(${spelledNumberSql(col)})) AS ${alias('num', i)}`,
        sql`countIf(NOT ${isMissingSql(col)} AND isNull(${int})) AS ${alias('nonint', i)}`,
        sql`countIf(isInfinite(${spelledNumberSql(col)})) AS ${alias('inf', i)}`,
      );
    } else if (isFloat(c.readType)) probes.push(sql`countIf(isInfinite(${col})) AS ${alias('inf', i)}`);
  });
  const [counts = {}] = await engine(
    sql`SELECT ${joinSql(probes, ', ')} FROM ${file} SETTINGS ${READ_SETTINGS}`,
  );
  const n = (k: string) => Number(counts[k] ?? 0);
  const infinite: Record<string, number> = {};
  const columns: FileColumn[] = [];
  const exprs = read.map((c, i): Sql => {
    const col = ident(c.name);
    if (isText(c.readType)) {
      if (n(`__vigil_bad${i}`) === 0 && n(`__vigil_num${i}`) > 0) {
        const t = sql`trimBoth(assumeNotNull(${col}))`;
        if (n(`__vigil_inf${i}`) > 0) infinite[c.name] = n(`__vigil_inf${i}`);
        if (n(`__vigil_nonint${i}`) === 0) {
          columns.push({ name: c.name, type: 'Nullable(Int64)' });
          return sql`if(${isMissingSql(col)}, NULL, toInt64OrNull(if(startsWith(${t}, '+'), substring(${t}, 2), ${t}))) AS ${col}`;
        }
        columns.push({ name: c.name, type: 'Nullable(Float64)' });
        const v = spelledNumberSql(col);
        return sql`if(isFinite(${v}), ${v}, NULL) AS ${col}`;
      }
      columns.push({ name: c.name, type: c.type });
      return sql`if(${isMissingSql(col)}, NULL, ${col}) AS ${col}`;
    }
    columns.push({ name: c.name, type: c.type });
    if (isFloat(c.readType)) {
      if (n(`__vigil_inf${i}`) > 0) infinite[c.name] = n(`__vigil_inf${i}`);
      return sql`if(isFinite(${col}), ${col}, NULL) AS ${col}`;
    }
    return col;
  });
  const list = joinSql(exprs, ', ');
  const source = sql`(SELECT ${list} FROM ${file})`;
  return {
    columns,
    total: n('__vigil_n'),
    infinite,
    statement: sql`${selectFrom(source, input.select)} ${STREAM_SETTINGS}`,
    source,
    select: list,
    file,
  };
}

/** selectFrom turns a FileSelect into the statement over the file's rows. */
function selectFrom(source: Sql, select: FileSelect): Sql {
  switch (select.kind) {
    case 'rows':
      return sql`SELECT * FROM ${source}`;
    case 'columns':
      return sql`SELECT 1 FROM ${source} LIMIT 0`;
    case 'firstNonNumber': {
      const v = ident(select.column);
      // Row numbers are taken before the filter, on one thread so they follow the file's order.
      return sql`SELECT row, v FROM (SELECT rowNumberInAllBlocks() + 1 AS row, toString(${v}) AS v
              FROM ${source} SETTINGS max_threads = 1, input_format_parallel_parsing = 0)
              WHERE isNotNull(v) AND v != '' AND isNull(toFloat64OrNull(v)) LIMIT 1`;
    }
    case 'seriesByTime':
      return sql`SELECT ts, avg(toFloat64(v)) AS value, count() AS n FROM
              (SELECT ${ident(select.timestamp)} AS ts, ${ident(select.value)} AS v FROM ${source}
               WHERE isNotNull(ts) AND isNotNull(v))
            GROUP BY ts ORDER BY ts`;
  }
}
