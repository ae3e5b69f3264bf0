import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type FileColumn, readTypeOf } from '../../shared/index.js';
import { columnIdent as ident, int, joinSql, ident as name, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { type FileNumericRow, idList, numericSql } from './file-drift-numeric.js';
import { FILE_READ_SETTINGS, isMissingSql, isNotNumberSql, spelledNumberSql } from './number-spelling.js';

/**
 * File drift queries: value counts of two data files, read straight from the files without
 * loading them as records (analysis/file-drift-aggregates.ts turns them into DriftAggregates).
 * Each file is parsed once: one GROUP BY GROUPING SETS query counts every value of every key
 * (one grouping set per key, no ARRAY JOIN), and its output — one row per distinct value per
 * key — goes into a small Memory table. Everything the drift layer needs is exact from those
 * value counts: n, mean and std (two-pass, as stddevPopStable: the moment formula loses σ at 1e9 + N(0, 1)), min/max, the deciles
 * (quantilesExactInclusive's formula), the decile-bin counts, the exact KS D and
 * Wasserstein-1 (drift-aggregates' own array expressions), per-value counts and categories.
 *
 * For the embedded engine only (file() reads the local disk); lambdas take their arguments
 * only (replicate() carries a scalar in), as in drift-aggregates.
 */

/** DriftFileSource is a data file and the columns DESCRIBE gave for it. */
export interface DriftFileSource {
  path: string;
  /** format is the ClickHouse input format (CLICKHOUSE_FORMAT). */
  format: string;
  columns: readonly FileColumn[];
  /**
   * typed names the CSV columns ClickHouse inferred as numbers that are read straight as
   * Nullable(Float64) (parsed once, no text per cell) rather than as text; a cell that does not
   * parse fails the read, and the caller reads them as text (number-spelling.ts) instead.
   */
  typed?: ReadonlySet<string>;
}

/** readTypeOfSource is the type a file's column is read as (the typed columns as Nullable(Float64)). */
const readTypeOfSource = (file: DriftFileSource, c: FileColumn): string =>
  file.typed?.has(c.name) ? 'Nullable(Float64)' : readTypeOf(c.type, file.format);

/**
 * FileKeyRead says how a key reads from a file row: `number` a column the file reads as a
 * number (NaN missing), `text` a column read as text (judged by its spellings after counting),
 * `spelledNumber` a model output read by the number spellings, `label` a class label (missing
 * spellings are NULL).
 */
export type FileKeyRead = 'number' | 'text' | 'spelledNumber' | 'label';

/** FileValueKey is one thing counted per value: a feature (part 0) or a model output (part 1). */
export interface FileValueKey {
  id: number;
  part: number;
  name: string;
  kind: 'numeric' | 'categorical';
  /** column is the file's column the key reads. */
  column: string;
  read: FileKeyRead;
  /**
   * spelled: read as text and judged after counting — numeric when every value that is not
   * missing spells a number (number-spelling.ts), categorical otherwise.
   */
  spelled?: boolean;
}

export type { FileNumericRow } from './file-drift-numeric.js';

/** FileValueTotals are one key's row and value counts per side (0 reference, 1 current). */
export interface FileValueTotals {
  f: number;
  rows0: number;
  rows1: number;
  values0: number;
  values1: number;
}

export interface FileCategoryRow {
  f: number;
  side: number;
  category: string;
  c: number;
}

export interface FileInfiniteRow {
  f: number;
  rp: number;
  rn: number;
  cp: number;
  cn: number;
}

/** FileKeySplit: a spelled key numeric in one file and text in the other became two keys. */
export interface FileKeySplit {
  /** of is the key's id, now categorical. */
  of: number;
  /** key is the new numeric key. */
  key: FileValueKey;
  numericSide: 0 | 1;
}

export interface FileValueCounts {
  /** keys are the input keys with their kinds decided, then the keys splits added. */
  keys: FileValueKey[];
  splits: FileKeySplit[];
  totals: FileValueTotals[];
  numeric: FileNumericRow[];
  categories: FileCategoryRow[];
  /** infinite has the ±inf counts per numeric key holding some (when asked for). */
  infinite: FileInfiniteRow[];
}

/**
 * source reads a file with the structure DESCRIBE gave: without it, file() would infer it again or
 * take it from ClickHouse's schema cache, which an earlier INSERT … SELECT FROM file() may have
 * filled with the insertion table's types (a blank String cell then reads as '' instead of NULL).
 */
const source = (file: DriftFileSource): Sql =>
  sql`file(${str(file.path)}, ${str(file.format)}, ${str(file.columns.map((c) => `${ident(c.name)} ${readTypeOfSource(file, c)}`).join(', '))})`;

/** countFileRows counts both files' rows (all there is to compare when no column is a key). */
export async function countFileRows(
  store: Store,
  files: readonly [DriftFileSource, DriftFileSource],
): Promise<{ ref: number; cur: number }> {
  const [r] = await store.query<{ ref: number; cur: number }>(
    sql`SELECT (SELECT count() FROM ${source(files[0])}) AS ref, (SELECT count() FROM ${source(files[1])}) AS cur
       SETTINGS ${FILE_READ_SETTINGS}`,
  );
  return { ref: Number(r?.ref ?? 0), cur: Number(r?.cur ?? 0) };
}

/** readSql reads a key from a file row as Nullable(Float64) or Nullable(String). */
function readSql(k: FileValueKey): Sql {
  const col = ident(k.column);
  const text = sql`toString(${col})`;
  switch (k.read) {
    case 'text':
      return sql`toNullable(${text})`;
    case 'number':
      return sql`if(isNaN(toFloat64(${col})), NULL, toNullable(toFloat64(${col})) + 0)`;
    case 'spelledNumber':
      return spelledNumberSql(text);
    case 'label':
      return sql`if(${isMissingSql(text)}, NULL, ${text})`;
  }
}

/** ONE_THREAD_BYTES: inputs larger than this (text bytes, Parquet counted 4×) are counted on one thread. */
const ONE_THREAD_BYTES = 1 << 30;

/** inputBytes is the size of both files, Parquet's ×4 (binary and compressed: more rows per byte). */
function inputBytes(files: readonly DriftFileSource[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f.path).size * (f.format === 'Parquet' ? 4 : 1);
    } catch {
      // An unreadable file fails the query itself, with its own message.
    }
  }
  return n;
}

/**
 * countValuesSql counts, over both files at once, the rows of each side per value of every key
 * (NULL included) into `counts`. After GROUPING SETS a row's other keys are NULL, so coalesce
 * picks its own value and grouping() tells which key it belongs to. A key a file lacks reads as
 * NULL there (the caller knows it is absent, not null).
 */
function countValuesSql(
  counts: Sql,
  files: readonly [DriftFileSource, DriftFileSource],
  sides: readonly [ReadonlySet<number>, ReadonlySet<number>],
  keys: readonly FileValueKey[],
): Sql {
  const k = (i: number) => name(`__vigil_k${i}`);
  const of = (kind: FileValueKey['kind']) => keys.flatMap((x, i) => (x.kind === kind ? [k(i)] : []));
  const numeric = of('numeric');
  const categorical = of('categorical');
  const read = (side: 0 | 1) => {
    const cols = keys.map((x, i) => {
      const absent =
        x.kind === 'numeric' ? sql`CAST(NULL AS Nullable(Float64))` : sql`CAST(NULL AS Nullable(String))`;
      return sql`${sides[side].has(x.id) ? readSql(x) : absent} AS ${k(i)}`;
    });
    return sql`SELECT toUInt8(${int(side)}) AS __vigil_side, ${joinSql(cols, ', ')} FROM ${source(files[side])}`;
  };
  const multiIf = joinSql(
    keys.map((x, i) => sql`grouping(${k(i)}) = 0, ${int(x.id)}`),
    ', ',
  );
  // Each file gets a thread of its own; parallel parsing on top only pays with more than two
  // cores (on two it cost 15% more CPU and 120 MB per file of chunk buffers). Each thread holds
  // every key's value counts: on large inputs one thread keeps the peak bounded (10M rows × 25
  // columns per file: 750 MB peak on one thread, 1.15 GB on two). Small blocks keep each chunk
  // small.
  const threads = inputBytes(files) > ONE_THREAD_BYTES ? 1 : availableParallelism();
  return sql`INSERT INTO ${counts} (f, v, s, c0, c1)
    SELECT f,
      ${numeric.length ? sql`coalesce(${joinSql(numeric, ', ')})` : sql`CAST(NULL AS Nullable(Float64))`},
      ${categorical.length ? sql`coalesce(${joinSql(categorical, ', ')})` : sql`CAST(NULL AS Nullable(String))`}, c0, c1
    FROM (
      SELECT multiIf(${multiIf}, 0) AS f,
             ${joinSql(
               keys.map((_, i) => k(i)),
               ', ',
             )}, countIf(__vigil_side = 0) AS c0, countIf(__vigil_side = 1) AS c1
      FROM (${read(0)} UNION ALL ${read(1)})
      GROUP BY GROUPING SETS (${joinSql(
        keys.map((_, i) => sql`(${k(i)})`),
        ', ',
      )}))
    SETTINGS storage_file_read_method = 'pread', ${FILE_READ_SETTINGS}, max_block_size = 8192, max_threads = ${int(threads)},
      input_format_parallel_parsing = ${int(availableParallelism() > 2 && threads > 1 ? 1 : 0)}`;
}

/**
 * fileValueCounts counts every key's values in both files (side 0 the reference, 1 the
 * current; `sides` name the keys each file has) and returns, from those counts, each key's
 * totals, the numeric keys' statistics and the categorical keys' top categories (at most
 * `maxCategories + 1` per side). The counts live in two Memory tables for the call only.
 */
export async function fileValueCounts(
  store: Store,
  input: {
    files: readonly [DriftFileSource, DriftFileSource];
    keys: readonly FileValueKey[];
    sides: readonly [ReadonlySet<number>, ReadonlySet<number>];
    maxExactDistinct: number;
    maxCategories: number;
    /** infinite: also count the ±inf values of the numeric keys. */
    infinite: boolean;
  },
): Promise<FileValueCounts> {
  const keys = input.keys.map((k) => ({ ...k }));
  const counts = sql`${name(store.database)}.drift_value_counts`;
  const raw = sql`${counts}_raw`;
  await store.exec(sql`CREATE DATABASE IF NOT EXISTS ${name(store.database)}`);
  for (const t of [counts, raw])
    await store.exec(
      sql`CREATE TABLE ${t} (f UInt32, v Nullable(Float64), s Nullable(String), c0 UInt64, c1 UInt64) ENGINE = Memory`,
    );
  try {
    await store.exec(countValuesSql(raw, input.files, input.sides, keys));
    const splits = await judgeSpellings(store, raw, counts, keys);
    // The raw counts are all in `counts` now: free them before the statistics.
    await store.exec(sql`DROP TABLE IF EXISTS ${raw}`);
    const numericIds = keys.filter((k) => k.kind === 'numeric').map((k) => k.id);
    const categoricalIds = keys.filter((k) => k.kind === 'categorical').map((k) => k.id);
    const [totals, numeric, categories] = await Promise.all([
      store.query<FileValueTotals>(
        sql`SELECT f, sum(c0) AS rows0, sum(c1) AS rows1, sumIf(c0, isNotNull(v) OR isNotNull(s)) AS values0,
                sumIf(c1, isNotNull(v) OR isNotNull(s)) AS values1
         FROM ${counts} GROUP BY f`,
      ),
      numericIds.length
        ? store.query<FileNumericRow>(numericSql(counts, numericIds, input.maxExactDistinct))
        : Promise.resolve([]),
      categoricalIds.length
        ? store.query<FileCategoryRow>(
            sql`SELECT f, side, assumeNotNull(s) AS category, c
             FROM (SELECT f, s, c0, c1 FROM ${counts} WHERE f IN (${idList(categoricalIds)}) AND isNotNull(s))
             ARRAY JOIN [toUInt8(0), toUInt8(1)] AS side, [c0, c1] AS c
             WHERE c > 0
             ORDER BY f, side, c DESC, category LIMIT ${int(input.maxCategories + 1)} BY f, side`,
          )
        : Promise.resolve([]),
    ]);
    const infinite =
      input.infinite && numericIds.length
        ? await store.query<FileInfiniteRow>(
            sql`SELECT f, sumIf(c0, v > 0) AS rp, sumIf(c0, v < 0) AS rn, sumIf(c1, v > 0) AS cp, sumIf(c1, v < 0) AS cn
         FROM ${counts} WHERE isInfinite(v) GROUP BY f ORDER BY f`,
          )
        : [];
    return { keys, splits, totals, numeric, categories, infinite };
  } finally {
    await store.exec(sql`DROP TABLE IF EXISTS ${counts}`);
    await store.exec(sql`DROP TABLE IF EXISTS ${raw}`);
  }
}

/**
 * judgeSpellings copies the value counts of `raw` into `counts`, deciding each spelled key per
 * file, as ingest decides per file: numeric in a file when every value there that is not
 * missing spells a number (and one does), categorical otherwise; a file with no values at all
 * takes the other file's kind. Numeric counts are regrouped by the number (`1.0`, `1` and `+1E0`
 * are one value) and missing spellings count as missing. A column numeric in one file and text
 * in the other becomes two keys, as stored records would have it (each absent from the other
 * side): the key gets its kind (in `keys`, to which the new numeric key is added), and the
 * returned splits name the new numeric key.
 */
async function judgeSpellings(
  store: Store,
  raw: Sql,
  counts: Sql,
  keys: FileValueKey[],
): Promise<FileKeySplit[]> {
  const spelled = keys.filter((k) => k.spelled);
  await store.exec(
    sql`INSERT INTO ${counts} SELECT f, v, s, c0, c1 FROM ${raw} WHERE f NOT IN (${idList(spelled.map((k) => k.id))})`,
  );
  if (spelled.length === 0) return [];
  const s = sql`s`;
  const judged = await store.query<{ f: number; bad0: number; num0: number; bad1: number; num1: number }>(
    sql`SELECT f, countIf(c0 > 0 AND ${isNotNumberSql(s)}) AS bad0, countIf(c0 > 0 AND isNotNull(${spelledNumberSql(s)})) AS num0,
            countIf(c1 > 0 AND ${isNotNumberSql(s)}) AS bad1, countIf(c1 > 0 AND isNotNull(${spelledNumberSql(s)})) AS num1
     FROM ${raw} WHERE f IN (${idList(spelled.map((k) => k.id))}) GROUP BY f`,
  );
  const byId = new Map(judged.map((j) => [Number(j.f), j]));
  const kindOf = (bad: number, num: number) =>
    Number(bad) > 0 ? 'categorical' : Number(num) > 0 ? 'numeric' : undefined;
  // Per spelled key and side (f·2 + side): numeric, or categorical.
  const numericSides: number[] = [];
  const categoricalSides: number[] = [];
  const numericId = new Map<number, number>();
  const splits: FileKeySplit[] = [];
  let next = Math.max(...keys.map((k) => k.id)) + 1;
  for (const k of spelled) {
    const j = byId.get(k.id);
    const ref = j ? kindOf(j.bad0, j.num0) : undefined;
    const cur = j ? kindOf(j.bad1, j.num1) : undefined;
    const sides = [ref ?? cur ?? 'categorical', cur ?? ref ?? 'categorical'] as const;
    sides.forEach((kind, side) => {
      (kind === 'numeric' ? numericSides : categoricalSides).push(k.id * 2 + side);
    });
    if (sides[0] === sides[1]) {
      k.kind = sides[0];
      if (k.kind === 'numeric') numericId.set(k.id, k.id);
      continue;
    }
    const key = { ...k, kind: 'numeric' as const, spelled: false, id: next++ };
    k.kind = 'categorical';
    keys.push(key);
    numericId.set(k.id, key.id);
    splits.push({ of: k.id, key, numericSide: sides[0] === 'numeric' ? 0 : 1 });
  }
  // Each raw row holds both sides' counts: split it per side, read each side by its kind.
  const perSide = sql`FROM ${raw} ARRAY JOIN [toUInt8(0), toUInt8(1)] AS side, [c0, c1] AS c`;
  const numericFs = [...numericId.keys()];
  if (numericFs.length)
    await store.exec(
      sql`INSERT INTO ${counts}
       SELECT transform(f, [${idList(numericFs)}], [${idList(numericFs.map((f) => numericId.get(f) ?? f))}], f) AS id,
              if(has([${idList(numericSides)}], f * 2 + side), ${spelledNumberSql(s)}, NULL) AS v2,
              NULL, sumIf(c, side = 0), sumIf(c, side = 1)
       ${perSide} WHERE f IN (${idList(numericFs)}) GROUP BY id, v2`,
    );
  const categoricalFs = spelled.filter((k) => k.kind === 'categorical').map((k) => k.id);
  if (categoricalFs.length)
    await store.exec(
      sql`INSERT INTO ${counts}
       SELECT f, NULL, if(has([${idList(categoricalSides)}], f * 2 + side) AND NOT ${isMissingSql(s)}, s, NULL) AS s2,
              sumIf(c, side = 0), sumIf(c, side = 1)
       ${perSide} WHERE f IN (${idList(categoricalFs)}) GROUP BY f, s2`,
    );
  return splits;
}
