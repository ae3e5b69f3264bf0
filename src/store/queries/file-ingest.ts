import { type FileColumn, isNumericType } from '../../shared/index.js';
import { columnIdent as ident, int, joinSql, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { describeFile, type FileEngine, planFileRead } from './file-read.js';

/**
 * `vigil ingest` of a file into a store that can read it (the embedded engine): ClickHouse
 * parses the file and inserts the records itself (INSERT … SELECT FROM file()). Each row is
 * judged in SQL by rules that imply the JavaScript validation (ingest/record-row.ts) accepts it
 * and builds the same row; the few rows outside them ("slow" rows: a bad score, a time in an
 * unusual spelling, a long string, …) are read back with their row number and validated in
 * JavaScript, so every refused row is still named with its line and reason.
 */

/** FileImportLimits are the record limits the SQL rules stay within (ingest's RECORD_LIMITS). */
export interface FileImportLimits {
  maxFeatures: number;
  maxNameChars: number;
  maxStringChars: number;
  maxTags: number;
}

export interface FileImportInput {
  roles: {
    target?: string | undefined;
    prediction?: string | undefined;
    score?: string | undefined;
    id?: string | undefined;
    timestamp?: string | undefined;
    tags?: string[] | undefined;
  };
  regression: boolean;
  target: { project: string; model: string; environment: string; version: string };
  receivedMs: number;
  limits: FileImportLimits;
}

export interface SlowRow {
  index: number;
  row: Record<string, unknown>;
}

const MAX_MS = Date.UTC(2200, 0, 1);
const SECONDS_SUSPECT_MS = 1e11;
const SLOW_PAGE = 50_000;

type Kind = 'int' | 'float' | 'text' | 'bool' | 'time' | 'other';
function kindOf(type: string): Kind {
  const t = type.replace(/^Nullable\(|^LowCardinality\(/g, '').replace(/^Nullable\(|^LowCardinality\(/g, '');
  if (/^U?Int\d+/.test(t)) return 'int';
  if (isNumericType(type)) return 'float';
  if (/^String/.test(t)) return 'text';
  if (/^Bool/.test(t)) return 'bool';
  if (/^(DateTime64|DateTime|Date32|Date)\b/.test(t)) return 'time';
  return 'other';
}

/** Rule is one value's SQL: `ok` true when the JavaScript rules accept it as `value` would store it. */
interface Rule {
  ok: Sql;
  value: Sql;
}

const MISSING_OK = (v: Sql) => sql`isNull(${v})`;

/** textRule reads a column as the label/id/tag text JavaScript's String(v) gives, within `maxChars`. */
function textRule(v: Sql, kind: Kind, maxChars: number): Rule | undefined {
  const f = sql`toFloat64(${v})`;
  switch (kind) {
    case 'text':
      // lengthUTF8 counts code points; a JavaScript length counts at most two units per point.
      return {
        ok: sql`(isNull(${v}) OR lengthUTF8(assumeNotNull(${v})) <= ${int(Math.floor(maxChars / 2))})`,
        value: v,
      };
    case 'int':
      return { ok: sql`(isNull(${v}) OR abs(${f}) < 9007199254740992)`, value: sql`toString(${v})` };
    case 'float':
      return {
        ok: sql`(isNull(${v}) OR (${f} = floor(${f}) AND abs(${f}) < 1e15))`,
        value: sql`toString(toInt64(${f}))`,
      };
    case 'bool':
      return { ok: sql`1`, value: sql`toString(${v})` };
    default:
      return undefined;
  }
}

/** numberRule reads a column as a finite number (JavaScript refuses any other non-null value). */
function numberRule(v: Sql, kind: Kind, extra?: (f: Sql) => Sql): Rule {
  if (kind === 'int' || kind === 'float') {
    const f = sql`toFloat64(${v})`;
    return { ok: extra ? sql`(isNull(${v}) OR ${extra(f)})` : sql`1`, value: f };
  }
  return { ok: MISSING_OK(v), value: sql`CAST(NULL AS Nullable(Float64))` };
}

const STRICT_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,3})?Z?$';

function timeRule(v: Sql, kind: Kind, received: Sql): Rule | undefined {
  const inRange = (ms: Sql) => sql`(${ms} >= 0 AND ${ms} < ${int(MAX_MS)})`;
  switch (kind) {
    case 'int':
    case 'float': {
      const f = sql`toFloat64(${v})`;
      return {
        ok: sql`(isNull(${v}) OR (${f} >= ${int(SECONDS_SUSPECT_MS)} AND ${f} < ${int(MAX_MS)}))`,
        value: sql`if(isNull(${v}), ${received}, toInt64(${f}))`,
      };
    }
    case 'time': {
      const ms = sql`toUnixTimestamp64Milli(toDateTime64(assumeNotNull(${v}), 3, 'UTC'))`;
      return { ok: sql`(isNull(${v}) OR ${inRange(ms)})`, value: sql`if(isNull(${v}), ${received}, ${ms})` };
    }
    case 'text': {
      const s = sql`assumeNotNull(${v})`;
      const p = sql`parseDateTime64BestEffortOrNull(${s}, 3, 'UTC')`;
      const ms = sql`toUnixTimestamp64Milli(assumeNotNull(${p}))`;
      // The time as written must read back unchanged (no 24:00, no 30 February).
      return {
        ok: sql`(isNull(${v}) OR (match(${s}, ${str(STRICT_TIME)}) AND isNotNull(${p})
          AND formatDateTime(assumeNotNull(${p}), '%Y-%m-%d %H:%i:%S', 'UTC') = concat(substring(${s}, 1, 10), ' ', substring(${s}, 12, 8))
          AND ${inRange(ms)}))`,
        value: sql`if(isNull(${v}), ${received}, ${ms})`,
      };
    }
    default:
      return undefined;
  }
}

interface Plan {
  ok: Sql;
  cols: Array<[Sql, Sql]>;
}

/** buildPlan turns the file's typed columns and the roles into the row rule and the insert's columns. */
function buildPlan(columns: readonly FileColumn[], input: FileImportInput): Plan | undefined {
  const { roles, limits, target } = input;
  const kind = new Map(columns.map((c) => [c.name, kindOf(c.type)]));
  const roleNames = new Set(
    [roles.target, roles.prediction, roles.score, roles.id, roles.timestamp, ...(roles.tags ?? [])].filter(
      (c): c is string => c !== undefined,
    ),
  );
  const features = columns.filter((c) => !roleNames.has(c.name));
  const tags = roles.tags ?? [];
  if (features.length > limits.maxFeatures || tags.length > limits.maxTags) return undefined;
  // Integer-like names come first in a JavaScript object, and __proto__ is no plain key there.
  for (const name of [...features.map((c) => c.name), ...tags])
    if (name.length === 0 || name.length > limits.maxNameChars || /^\d+$/.test(name) || name === '__proto__')
      return undefined;
  if (target.version.length === 0 || target.version.length > 128) return undefined;
  const oks: Sql[] = [];
  const received = int(input.receivedMs);

  const num: Array<{ name: string; v: Sql }> = [];
  const cat: Array<{ name: string; v: Sql }> = [];
  const all: Array<{ name: string; present: Sql }> = [];
  for (const c of features) {
    const v = ident(c.name);
    const k = kind.get(c.name) ?? 'other';
    if (k === 'int' || k === 'float') num.push({ name: c.name, v: sql`toFloat64(${v})` });
    else if (k === 'text') {
      oks.push(
        sql`(isNull(${v}) OR lengthUTF8(assumeNotNull(${v})) <= ${int(Math.floor(limits.maxStringChars / 2))})`,
      );
      cat.push({ name: c.name, v });
    } else if (k === 'bool') cat.push({ name: c.name, v: sql`toString(${v})` });
    else return undefined;
    all.push({ name: c.name, present: sql`isNotNull(${v})` });
  }
  const keys = (list: Array<{ name: string; present: Sql }>, present: boolean) =>
    list.length === 0
      ? sql`emptyArrayString()`
      : sql`arrayFilter(k -> k != '', [${joinSql(
          list.map((c) => sql`if(${c.present} = ${present ? sql`1` : sql`0`}, ${str(c.name)}, '')`),
          ', ',
        )}])`;
  const values = (list: Array<{ v: Sql }>, empty: Sql) =>
    list.length === 0
      ? empty
      : sql`arrayMap(v -> assumeNotNull(v), arrayFilter(v -> isNotNull(v), [${joinSql(
          list.map((c) => c.v),
          ', ',
        )}]))`;
  const withPresent = (list: Array<{ name: string; v: Sql }>) =>
    list.map((c) => ({ name: c.name, v: c.v, present: sql`isNotNull(${c.v})` }));

  const cols: Array<[Sql, Sql]> = [
    [sql`project`, str(target.project)],
    [sql`model`, str(target.model)],
    [sql`environment`, str(target.environment)],
    [sql`version`, str(target.version)],
    [sql`received`, received],
    [sql`num_keys`, keys(withPresent(num), true)],
    [sql`num_values`, values(num, sql`emptyArrayFloat64()`)],
    [sql`cat_keys`, keys(withPresent(cat), true)],
    [sql`cat_values`, values(cat, sql`emptyArrayString()`)],
    [sql`null_keys`, keys(all, false)],
  ];

  if (roles.id) {
    const v = ident(roles.id);
    const k = kind.get(roles.id) ?? 'other';
    const r = k === 'bool' ? { ok: MISSING_OK(v), value: sql`''` } : textRule(v, k, 256);
    if (!r) return undefined;
    oks.push(r.ok);
    cols.push([sql`id`, sql`if(isNull(${v}), toString(generateUUIDv4()), ${r.value})`]);
  } else cols.push([sql`id`, sql`toString(generateUUIDv4())`]);

  if (roles.timestamp) {
    const r = timeRule(ident(roles.timestamp), kind.get(roles.timestamp) ?? 'other', received);
    if (!r) return undefined;
    oks.push(r.ok);
    cols.push([sql`ts`, r.value]);
  } else cols.push([sql`ts`, received]);

  if (tags.length > 0) {
    const tagged: Array<{ name: string; v: Sql; present: Sql }> = [];
    for (const t of tags) {
      const v = ident(t);
      const r = textRule(v, kind.get(t) ?? 'other', 512);
      if (!r) return undefined;
      oks.push(r.ok);
      tagged.push({ name: t, v: sql`if(isNull(${v}), NULL, ${r.value})`, present: sql`isNotNull(${v})` });
    }
    cols.push([sql`tag_keys`, keys(tagged, true)]);
    cols.push([sql`tag_values`, values(tagged, sql`emptyArrayString()`)]);
  }

  const label = (col: string): Rule | undefined => {
    const v = ident(col);
    const r = textRule(v, kind.get(col) ?? 'other', limits.maxStringChars);
    return r && { ok: r.ok, value: sql`if(isNull(${v}), NULL, ${r.value})` };
  };
  const value = (col: string): Rule => {
    const v = ident(col);
    const r = numberRule(v, kind.get(col) ?? 'other');
    return { ok: r.ok, value: sql`if(isNull(${v}), NULL, ${r.value})` };
  };
  if (roles.score) {
    const v = ident(roles.score);
    const r = numberRule(v, kind.get(roles.score) ?? 'other', (f) => sql`(${f} >= 0 AND ${f} <= 1)`);
    oks.push(r.ok);
    cols.push([sql`pred_score`, sql`if(isNull(${v}), NULL, ${r.value})`]);
  }
  if (roles.prediction) {
    const r = input.regression ? value(roles.prediction) : label(roles.prediction);
    if (!r) return undefined;
    oks.push(r.ok);
    cols.push([input.regression ? sql`pred_value` : sql`pred_label`, r.value]);
  }
  if (roles.target) {
    const r = input.regression ? value(roles.target) : label(roles.target);
    if (!r) return undefined;
    oks.push(r.ok);
    cols.push([input.regression ? sql`act_value` : sql`act_label`, r.value]);
    cols.push([sql`has_actual`, sql`toUInt8(isNotNull(${ident(roles.target)}))`]);
  }
  // Never NULL: a row neither rule set claims would be lost; an unsure row goes to JavaScript.
  return { ok: oks.length === 0 ? sql`1` : sql`ifNull(${joinSql(oks, ' AND ')}, 0)`, cols };
}

const SETTINGS = sql`storage_file_read_method = 'pread', input_format_tsv_crlf_end_of_line = 1,
  input_format_csv_empty_as_default = 0, session_timezone = 'UTC', max_execution_time = 0`;

/** FileImport is one file read by the store's engine: its columns as read, and how to import it. */
export interface FileImport {
  columns: FileColumn[];
  total: number;
  infinite: Record<string, number>;
  /**
   * prepare applies the roles: undefined when some column's type is outside the SQL rules (the
   * caller then validates every row in JavaScript).
   */
  prepare(input: FileImportInput): FileImportRun | undefined;
}

/** FileImportRun reads the rows JavaScript must judge, then inserts every other row. */
export interface FileImportRun {
  /** slowRows reads, in file order, the rows the SQL rules leave to JavaScript (0-based row numbers). */
  slowRows(): AsyncGenerator<SlowRow[]>;
  /** insertFast inserts every row the SQL rules accept and returns how many (after slowRows). */
  insertFast(): Promise<number>;
}

/**
 * openFileImport describes and plans a file on the store's own engine, which must be able to
 * read it (the embedded engine).
 */
export async function openFileImport(
  store: Store,
  file: { path: string; format: string },
): Promise<FileImport> {
  const engine: FileEngine = (statement) => store.query(statement, { ownSettings: true });
  const described = await describeFile(store, file.path, file.format);
  if (described.length === 0) throw new Error('the file is empty');
  const read = await planFileRead(engine, { ...file, columns: described, select: { kind: 'rows' } });
  const source = read.source;
  return {
    columns: read.columns,
    total: read.total,
    infinite: read.infinite,
    prepare(input) {
      const plan = buildPlan(read.columns, input);
      if (!plan) return undefined;
      let fastRows = read.total;
      return {
        async *slowRows() {
          let from = 0;
          for (;;) {
            // Row numbers are taken before the filter, on one thread so they follow the file's order.
            // The filter reads the select list's columns by their aliases: only those it needs are
            // computed for every row, the rest for the rows it keeps.
            const rows = await store.query<Record<string, unknown>>(
              sql`SELECT __vigil_row, ${read.select}
                FROM (SELECT rowNumberInAllBlocks() AS __vigil_row, * FROM ${read.file})
                WHERE __vigil_row >= ${int(from)} AND NOT ${plan.ok} ORDER BY __vigil_row LIMIT ${int(SLOW_PAGE)}
                SETTINGS max_threads = 1, input_format_parallel_parsing = 0, date_time_output_format = 'iso', ${SETTINGS}`,
              { ownSettings: true },
            );
            if (rows.length === 0) return;
            fastRows -= rows.length;
            yield rows.map((r) => {
              const { __vigil_row, ...row } = r;
              return { index: Number(__vigil_row), row };
            });
            if (rows.length < SLOW_PAGE) return;
            from = Number(rows[rows.length - 1]?.['__vigil_row']) + 1;
          }
        },
        async insertFast() {
          const names = joinSql(
            plan.cols.map((c) => c[0]),
            ', ',
          );
          const exprs = joinSql(
            plan.cols.map((c) => c[1]),
            ', ',
          );
          await store.exec(sql`INSERT INTO ${store.table('records')} (${names})
            SELECT ${exprs} FROM ${source} WHERE ${plan.ok}
            SETTINGS max_partitions_per_insert_block = 0, ${SETTINGS}`);
          return fastRows;
        },
      };
    },
  };
}
