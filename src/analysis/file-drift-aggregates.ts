import { availableParallelism } from 'node:os';
import { type FileColumn, isNumericType } from '../ingest/files/index.js';
import {
  FILE_READ_SETTINGS,
  isMissingSql,
  isNotNumberSql,
  readTypeOf,
  spelledNumberSql,
} from '../ingest/files/number-spelling.js';
import { columnIdent as ident, int, type Store, str } from '../store/index.js';
import {
  type CategoricalAggregate,
  type DriftAggregates,
  MAX_CATEGORIES,
  MAX_EXACT_DISTINCT,
  type NumericAggregate,
} from './drift-aggregates.js';
import type { FileRoleColumns } from './file-import.js';

/**
 * File drift aggregates: the DriftAggregates of aggregateDriftParts (drift-aggregates.ts), computed
 * straight from two data files without loading them as records. Each file is parsed once: one
 * GROUP BY GROUPING SETS query counts every value of every column (one grouping set per column,
 * no ARRAY JOIN), and its output — one row per distinct value per column — goes into a small
 * Memory table. Everything the drift layer needs is exact from those value counts: n, mean and
 * std (two-pass, as stddevPopStable: the moment formula loses σ at 1e9 + N(0, 1)), min/max, the deciles (quantilesExactInclusive's formula),
 * the decile-bin counts, the exact KS D and Wasserstein-1 (drift-aggregates' own array
 * expressions), per-value counts and categories. So the report gives the API's numbers, up to
 * float summation order, at the cost of one parse per file.
 *
 * SQL for the embedded engine only (file() reads the local disk); lambdas take their arguments
 * only (replicate() carries a scalar in), as in drift-aggregates.
 */

/** DriftFile is one side of the comparison: a data file and the columns that are not features. */
export interface DriftFile {
  path: string;
  /** format is the ClickHouse input format (CLICKHOUSE_FORMAT). */
  format: string;
  columns: readonly FileColumn[];
  roles: FileRoleColumns;
}

/** KeyOf is one thing counted per value: a feature (part 0) or a model output (part 1). */
interface KeyOf {
  part: number;
  name: string;
  kind: 'numeric' | 'categorical';
  /** sql reads it from a file row as Nullable(Float64) or Nullable(String). */
  sql: string;
  /**
   * spelled: read as text and judged after counting — numeric when every value that is not
   * missing spells a number (number-spelling.ts), categorical otherwise.
   */
  spelled?: boolean;
}

/** DECILE_LEVELS are the reference quantiles that give the bin edges (drift-aggregates' deciles). */
const DECILE_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** readsAsNumber: the file reads the column as a number (typed formats; CSV/TSV read text). */
const readsAsNumber = (file: DriftFile, c: FileColumn) => isNumericType(readTypeOf(c.type, file.format));

/**
 * textFeatures names the features read as text on at least one side: they are counted by
 * spelling and judged numeric or categorical once both files are counted, so a column spelled
 * `8.2e-05` in one file and read as Float64 in the other is one numeric feature.
 */
export function textFeatures(files: readonly DriftFile[]): Set<string> {
  const out = new Set<string>();
  for (const file of files) for (const c of file.columns) if (!readsAsNumber(file, c)) out.add(c.name);
  return out;
}

/**
 * fileKeys lists what one file contributes, read as insertFileSql (file-import.ts) reads it
 * into records: numeric columns as numbers (NaN missing), text columns by spelling (see
 * KeyOf.spelled), role columns left out; with outputs, the score and a regression prediction as
 * numeric `score` / `value` and a class prediction as categorical `label` (the outputs part of
 * drift-parts.ts). `+ 0` turns −0 into 0: GROUP BY keeps them apart (bitwise) though they
 * compare equal, and the drift core rejects value counts that do not strictly ascend (stored
 * records still have this flaw: see the report).
 */
export function fileKeys(
  file: DriftFile,
  regression: boolean,
  outputs: boolean,
  text: ReadonlySet<string> = textFeatures([file]),
): KeyOf[] {
  const roles = new Set(Object.values(file.roles).filter((v): v is string => v !== undefined));
  const keys: KeyOf[] = file.columns
    .filter((c) => !roles.has(c.name))
    .map((c) =>
      text.has(c.name)
        ? {
            part: 0,
            name: c.name,
            kind: 'categorical',
            spelled: true,
            sql: `toNullable(toString(${ident(c.name)}))`,
          }
        : {
            part: 0,
            name: c.name,
            kind: 'numeric',
            sql: `if(isNaN(toFloat64(${ident(c.name)})), NULL, toNullable(toFloat64(${ident(c.name)})) + 0)`,
          },
    );
  if (!outputs) return keys;
  const number = (col: string) => spelledNumberSql(`toString(${ident(col)})`);
  const { score, prediction } = file.roles;
  if (score) keys.push({ part: 1, name: 'score', kind: 'numeric', sql: number(score) });
  if (prediction)
    keys.push(
      regression
        ? { part: 1, name: 'value', kind: 'numeric', sql: number(prediction) }
        : {
            part: 1,
            name: 'label',
            kind: 'categorical',
            sql: `if(${isMissingSql(`toString(${ident(prediction)})`)}, NULL, toString(${ident(prediction)}))`,
          },
    );
  return keys;
}

const keyId = (k: Pick<KeyOf, 'part' | 'name' | 'kind'>) => `${k.part}\u0000${k.kind}\u0000${k.name}`;

/**
 * countValuesSql counts, over both files at once, the rows of each side per value of every key
 * (NULL included) into `counts`. After GROUPING SETS a row's other keys are NULL, so coalesce
 * picks its own value and grouping() tells which key it belongs to. A key a file lacks reads as
 * NULL there (assemble() knows it is absent, not null).
 */
function countValuesSql(
  counts: string,
  files: readonly [DriftFile, DriftFile],
  sides: readonly [KeyOf[], KeyOf[]],
  keys: ReadonlyArray<KeyOf & { id: number }>,
): string {
  const k = (i: number) => `__vigil_k${i}`;
  const of = (kind: KeyOf['kind']) => keys.map((x, i) => (x.kind === kind ? k(i) : null)).filter(Boolean);
  const numeric = of('numeric');
  const categorical = of('categorical');
  const read = (side: 0 | 1) => {
    const own = new Map(sides[side].map((x) => [keyId(x), x.sql]));
    const file = files[side];
    const cols = keys.map((x, i) => {
      const absent =
        x.kind === 'numeric' ? 'CAST(NULL AS Nullable(Float64))' : 'CAST(NULL AS Nullable(String))';
      return `${own.get(keyId(x)) ?? absent} AS ${k(i)}`;
    });
    return `SELECT toUInt8(${side}) AS __vigil_side, ${cols.join(', ')} FROM ${source(file)}`;
  };
  // Each file gets a thread of its own; parallel parsing on top only pays with more than two
  // cores (on two it cost 15% more CPU and 120 MB per file of chunk buffers).
  return `INSERT INTO ${counts} (f, v, s, c0, c1)
    SELECT f,
      ${numeric.length ? `coalesce(${numeric.join(', ')})` : 'CAST(NULL AS Nullable(Float64))'},
      ${categorical.length ? `coalesce(${categorical.join(', ')})` : 'CAST(NULL AS Nullable(String))'}, c0, c1
    FROM (
      SELECT multiIf(${keys.map((x, i) => `grouping(${k(i)}) = 0, ${int(x.id)}`).join(', ')}, 0) AS f,
             ${keys.map((_, i) => k(i)).join(', ')}, countIf(__vigil_side = 0) AS c0, countIf(__vigil_side = 1) AS c1
      FROM (${read(0)} UNION ALL ${read(1)})
      GROUP BY GROUPING SETS (${keys.map((_, i) => `(${k(i)})`).join(', ')}))
    SETTINGS storage_file_read_method = 'pread', ${FILE_READ_SETTINGS}, input_format_parallel_parsing = ${availableParallelism() > 2 ? 1 : 0}`;
}

/**
 * rankValue is the value of 1-based rank r in the sorted sample whose distinct values are vs with
 * cumulative counts cum.
 */
const rankValue = (vs: string, cum: string, r: string) =>
  `${vs}[arrayFirstIndex((x, r) -> x >= r, ${cum}, replicate(${r}, ${cum}))]`;

/**
 * sideSql gives one side's n, moments, min, max, deciles and counts at or above each edge from
 * its value counts (vs ascending, cs the side's counts, possibly 0).
 *
 * Deciles follow ClickHouse's quantileExactInclusive (numpy 'linear'): h = level·(n − 1) + 1,
 * j = ⌊h⌋ (≥ 1), x(j) + (h − j)·(x(j+1) − x(j)), the max when j ≥ n: ranks are clamped to n,
 * which gives x(n) + (h − j)·0, the max, exactly. No if() around array work: ClickHouse's
 * short-circuit evaluation copies the arrays per branch (with if() this query took 3x the CPU).
 */
function sideSql(p: string, cs: string, edges: string): string[] {
  const n = `${p}_n`;
  const cum = `${p}_cum`;
  const out = [
    `arraySum(${cs}) AS ${n}`,
    `arrayCumSum(${cs}) AS ${cum}`,
    `arraySum(arrayMap((x, c) -> x * c, vs, ${cs})) AS ${p}_m1`,
    // Squared deviations from the mean, not Σx²·c − (Σx·c)²/n: at 1e9 + N(0, 1) that gave σ 25, not 1.
    `arraySum(arrayMap((x, c, m) -> (x - m) * (x - m) * c, vs, ${cs}, replicate(${p}_m1 / ${n}, vs))) AS ${p}_ss`,
    `arrayFirst((x, c) -> c > 0, vs, ${cs}) AS ${p}_min`,
    `arrayLast((x, c) -> c > 0, vs, ${cs}) AS ${p}_max`,
  ];
  const deciles = DECILE_LEVELS.map((level, i) => {
    const h = `${p}_h${i}`;
    const j = `${p}_j${i}`;
    const a = `${p}_a${i}`;
    out.push(
      `${level} * (${n} - 1) + 1 AS ${h}`,
      `toUInt64(${h}) AS ${j}`,
      `${rankValue('vs', cum, `least(${j}, ${n})`)} AS ${a}`,
    );
    return `${a} + (${h} - ${j}) * (${rankValue('vs', cum, `least(${j} + 1, ${n})`)} - ${a})`;
  });
  out.push(`[${deciles.join(', ')}] AS ${p}_deciles`);
  // At most as many edges as deciles: counts at or above each (past the last edge, unused).
  const atOrAbove = DECILE_LEVELS.map(
    (_, i) => `arraySum(arrayMap((x, c, e) -> (x >= e) * c, vs, ${cs}, replicate(${edges}[${i + 1}], vs)))`,
  );
  out.push(`[${atOrAbove.join(', ')}] AS ${p}_ge`);
  return out;
}

interface NumericRow {
  f: number;
  n_distinct: number;
  d: number | null;
  w1: number | null;
  vs: number[];
  c0s: number[];
  c1s: number[];
  edges: number[];
  [side: string]: unknown;
}

/** numericSql aggregates every numeric key of both files from the value counts. */
function numericSql(counts: string, ids: readonly number[]): string {
  const limit = int(MAX_EXACT_DISTINCT);
  const pick = (p: string) =>
    ['n', 'm1', 'ss', 'min', 'max', 'deciles', 'ge'].map((x) => `${p}_${x}`).join(', ');
  return `SELECT f, n_distinct, if(r_n > 0 AND c_n > 0, d, NULL) AS d, if(r_n > 0 AND c_n > 0, w1, NULL) AS w1,
      if(n_distinct <= ${limit}, vs, emptyArrayFloat64()) AS vs,
      if(n_distinct <= ${limit}, c0s, emptyArrayUInt64()) AS c0s,
      if(n_distinct <= ${limit}, c1s, emptyArrayUInt64()) AS c1s,
      edges, ${pick('r')}, ${pick('c')}
    FROM (
      SELECT f, length(vs) AS n_distinct,
             vs, c0s, c1s,
             arraySum(c0s) AS n0, arraySum(c1s) AS n1,
             arrayMap(x -> x / n0, arrayCumSum(c0s)) AS f0,
             arrayMap(x -> x / n1, arrayCumSum(c1s)) AS f1,
             arrayReduce('max', arrayMap((a, b) -> abs(a - b), f0, f1)) AS d,
             arraySum(arrayMap((a, b, dx) -> abs(a - b) * dx, f0, f1,
               arrayPushBack(arrayPopFront(arrayDifference(vs)), 0))) AS w1,
             ${sideSql('r', 'c0s', 'edges').join(',\n             ')},
             arraySort(arrayDistinct(arrayFilter(x -> isFinite(x), r_deciles))) AS edges,
             ${sideSql('c', 'c1s', 'edges').join(',\n             ')}
      -- Values are distinct per key (GROUPING SETS grouped them), so sorting by value alone is
      -- exact, and cheaper than sorting (v, c0, c1) tuples (0.3 s instead of 1 s at 20 × 75k).
      FROM (SELECT f, groupArray(assumeNotNull(v)) AS unsorted, arraySort(unsorted) AS vs,
                   arraySort((c, x) -> x, groupArray(c0), unsorted) AS c0s,
                   arraySort((c, x) -> x, groupArray(c1), unsorted) AS c1s
            FROM ${counts} WHERE f IN (${ids.map(int).join(', ')}) AND isFinite(v) GROUP BY f))`;
}

/** InfiniteCount is how many ±inf values a numeric column holds per side (left out of its statistics). */
export interface InfiniteCount {
  name: string;
  /** part: 0 a feature, 1 a model output (score, value). */
  part: number;
  reference: { pos: number; neg: number };
  current: { pos: number; neg: number };
}

/**
 * aggregateFileDrift compares a reference and a current file (side 0 and 1) and returns one
 * DriftAggregates per part (features, then the model's outputs when `outputs`), as
 * aggregateDriftParts does for stored records. Numeric statistics are those of the finite
 * values; `infinite`, when given, receives the ±inf counts of the columns that hold some.
 */
export async function aggregateFileDrift(
  store: Store,
  files: { reference: DriftFile; current: DriftFile },
  opts: {
    regression: boolean;
    outputs: boolean;
    infinite?: InfiniteCount[];
    /** mixed, when given, receives the features numeric in one file and text in the other. */
    mixed?: Array<{ name: string; numericIn: 'reference' | 'current' }>;
  },
): Promise<DriftAggregates[]> {
  const parts = opts.outputs ? 2 : 1;
  const ids = new Map<string, KeyOf & { id: number }>();
  const text = textFeatures([files.reference, files.current]);
  const sides = [files.reference, files.current].map((file) =>
    fileKeys(file, opts.regression, opts.outputs, text).map((k) => {
      let known = ids.get(keyId(k));
      if (!known) {
        known = { ...k, id: ids.size + 1 };
        ids.set(keyId(k), known);
      }
      return known;
    }),
  );
  const counts = `${store.database}.drift_value_counts`;
  const all = [...ids.values()];
  if (all.length === 0) {
    // Nothing to compare: the row counts are all there is.
    const [r] = await store.query<{ ref: number; cur: number }>(
      `SELECT (SELECT count() FROM ${source(files.reference)}) AS ref, (SELECT count() FROM ${source(files.current)}) AS cur
       SETTINGS ${FILE_READ_SETTINGS}`,
    );
    const rows = { ref: Number(r?.ref ?? 0), cur: Number(r?.cur ?? 0) };
    return Array.from({ length: parts }, () => ({
      rows,
      numeric: [],
      categorical: [],
      explicitNull: new Map(),
    }));
  }
  const raw = `${counts}_raw`;
  await store.exec(`CREATE DATABASE IF NOT EXISTS ${store.database}`);
  for (const t of [counts, raw])
    await store.exec(
      `CREATE TABLE ${t} (f UInt32, v Nullable(Float64), s Nullable(String), c0 UInt64, c1 UInt64) ENGINE = Memory`,
    );
  try {
    await store.exec(
      countValuesSql(raw, [files.reference, files.current], [sides[0] ?? [], sides[1] ?? []], all),
    );
    for (const split of await judgeSpellings(store, raw, counts, all)) {
      // The file where the column spells numbers owns the numeric key, the other the categorical.
      const list = sides[split.numericSide];
      if (list) list[list.indexOf(split.of)] = split.key;
      if (split.of.part === 0)
        opts.mixed?.push({
          name: split.of.name,
          numericIn: split.numericSide === 0 ? 'reference' : 'current',
        });
    }
    const numericIds = all.filter((k) => k.kind === 'numeric').map((k) => k.id);
    const categoricalIds = all.filter((k) => k.kind === 'categorical').map((k) => k.id);
    const [totals, numeric, categories] = await Promise.all([
      store.query<Totals>(
        `SELECT f, sum(c0) AS rows0, sum(c1) AS rows1, sumIf(c0, isNotNull(v) OR isNotNull(s)) AS values0,
                sumIf(c1, isNotNull(v) OR isNotNull(s)) AS values1
         FROM ${counts} GROUP BY f`,
      ),
      numericIds.length ? store.query<NumericRow>(numericSql(counts, numericIds)) : Promise.resolve([]),
      categoricalIds.length
        ? store.query<{ f: number; side: number; category: string; c: number }>(
            `SELECT f, side, assumeNotNull(s) AS category, c FROM ${counts}
             ARRAY JOIN [toUInt8(0), toUInt8(1)] AS side, [c0, c1] AS c
             WHERE f IN (${categoricalIds.map(int).join(', ')}) AND isNotNull(s) AND c > 0
             ORDER BY f, side, c DESC, category LIMIT ${int(MAX_CATEGORIES + 1)} BY f, side`,
          )
        : Promise.resolve([]),
    ]);
    if (opts.infinite && numericIds.length) {
      const rows = await store.query<{ f: number; rp: number; rn: number; cp: number; cn: number }>(
        `SELECT f, sumIf(c0, v > 0) AS rp, sumIf(c0, v < 0) AS rn, sumIf(c1, v > 0) AS cp, sumIf(c1, v < 0) AS cn
         FROM ${counts} WHERE isInfinite(v) GROUP BY f ORDER BY f`,
      );
      for (const r of rows) {
        const k = all.find((x) => x.id === Number(r.f));
        if (k)
          opts.infinite.push({
            name: k.name,
            part: k.part,
            reference: { pos: Number(r.rp), neg: Number(r.rn) },
            current: { pos: Number(r.cp), neg: Number(r.cn) },
          });
      }
    }
    const own = sides.map((keys) => new Set(keys.map((k) => k.id)));
    return assemble(parts, all, own, totals, numeric, categories);
  } finally {
    await store.exec(`DROP TABLE IF EXISTS ${counts}`);
    await store.exec(`DROP TABLE IF EXISTS ${raw}`);
  }
}

/**
 * judgeSpellings copies the value counts of `raw` into `counts`, deciding each spelled key per
 * file, as ingest decides per file: numeric in a file when every value there that is not
 * missing spells a number (and one does), categorical otherwise; a file with no values at all
 * takes the other file's kind. Numeric counts are regrouped by the number (`1.0`, `1` and `+1E0`
 * are one value) and missing spellings count as missing. A column numeric in one file and text
 * in the other becomes two keys, as stored records would have it (each absent from the other
 * side): the key gets its kind, and the returned splits name the new numeric key.
 */
async function judgeSpellings(
  store: Store,
  raw: string,
  counts: string,
  keys: Array<KeyOf & { id: number }>,
): Promise<Array<{ of: KeyOf & { id: number }; key: KeyOf & { id: number }; numericSide: 0 | 1 }>> {
  const list = (ids: number[]) => (ids.length ? ids.map(int).join(', ') : '0');
  const spelled = keys.filter((k) => k.spelled);
  await store.exec(
    `INSERT INTO ${counts} SELECT f, v, s, c0, c1 FROM ${raw} WHERE f NOT IN (${list(spelled.map((k) => k.id))})`,
  );
  if (spelled.length === 0) return [];
  const judged = await store.query<{ f: number; bad0: number; num0: number; bad1: number; num1: number }>(
    `SELECT f, countIf(c0 > 0 AND ${isNotNumberSql('s')}) AS bad0, countIf(c0 > 0 AND isNotNull(${spelledNumberSql('s')})) AS num0,
            countIf(c1 > 0 AND ${isNotNumberSql('s')}) AS bad1, countIf(c1 > 0 AND isNotNull(${spelledNumberSql('s')})) AS num1
     FROM ${raw} WHERE f IN (${list(spelled.map((k) => k.id))}) GROUP BY f`,
  );
  const byId = new Map(judged.map((j) => [Number(j.f), j]));
  const kindOf = (bad: number, num: number) =>
    Number(bad) > 0 ? 'categorical' : Number(num) > 0 ? 'numeric' : undefined;
  // Per spelled key and side (f·2 + side): numeric, or categorical.
  const numericSides: number[] = [];
  const categoricalSides: number[] = [];
  const numericId = new Map<number, number>();
  const splits: Array<{ of: KeyOf & { id: number }; key: KeyOf & { id: number }; numericSide: 0 | 1 }> = [];
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
    splits.push({ of: k, key, numericSide: sides[0] === 'numeric' ? 0 : 1 });
  }
  // Each raw row holds both sides' counts: split it per side, read each side by its kind.
  const perSide = `FROM ${raw} ARRAY JOIN [toUInt8(0), toUInt8(1)] AS side, [c0, c1] AS c`;
  const numericFs = [...numericId.keys()];
  if (numericFs.length)
    await store.exec(
      `INSERT INTO ${counts}
       SELECT transform(f, [${list(numericFs)}], [${list(numericFs.map((f) => numericId.get(f) ?? f))}], f) AS id,
              if(has([${list(numericSides)}], f * 2 + side), ${spelledNumberSql('s')}, NULL) AS v2,
              NULL, sumIf(c, side = 0), sumIf(c, side = 1)
       ${perSide} WHERE f IN (${list(numericFs)}) GROUP BY id, v2`,
    );
  const categoricalFs = spelled.filter((k) => k.kind === 'categorical').map((k) => k.id);
  if (categoricalFs.length)
    await store.exec(
      `INSERT INTO ${counts}
       SELECT f, NULL, if(has([${list(categoricalSides)}], f * 2 + side) AND NOT ${isMissingSql('s')}, s, NULL) AS s2,
              sumIf(c, side = 0), sumIf(c, side = 1)
       ${perSide} WHERE f IN (${list(categoricalFs)}) GROUP BY f, s2`,
    );
  return splits;
}

/**
 * source reads a file with the structure DESCRIBE gave: without it, file() would infer it again or
 * take it from ClickHouse's schema cache, which an earlier INSERT … SELECT FROM file() may have
 * filled with the insertion table's types (a blank String cell then reads as '' instead of NULL).
 */
const source = (file: DriftFile) =>
  `file(${str(file.path)}, ${str(file.format)}, ${str(file.columns.map((c) => `${ident(c.name)} ${readTypeOf(c.type, file.format)}`).join(', '))})`;

interface Totals {
  f: number;
  rows0: number;
  rows1: number;
  values0: number;
  values1: number;
}

function assemble(
  parts: number,
  keys: ReadonlyArray<KeyOf & { id: number }>,
  own: ReadonlyArray<ReadonlySet<number>>,
  totals: readonly Totals[],
  numeric: readonly NumericRow[],
  categories: ReadonlyArray<{ f: number; side: number; category: string; c: number }>,
): DriftAggregates[] {
  const byId = new Map(keys.map((k) => [k.id, k]));
  const rows = { ref: 0, cur: 0 };
  const present = new Map<number, { ref: number; cur: number }>();
  const nulls = new Map<number, { ref: number; cur: number }>();
  for (const t of totals) {
    // Every grouping set covers every row of both files.
    rows.ref = Number(t.rows0);
    rows.cur = Number(t.rows1);
    const f = Number(t.f);
    present.set(f, { ref: Number(t.values0), cur: Number(t.values1) });
    // A key a file lacks is NULL on all its rows there: absent, not sent as null.
    nulls.set(f, {
      ref: own[0]?.has(f) ? Number(t.rows0) - Number(t.values0) : 0,
      cur: own[1]?.has(f) ? Number(t.rows1) - Number(t.values1) : 0,
    });
  }
  const out: DriftAggregates[] = Array.from({ length: parts }, () => ({
    rows: { ...rows },
    numeric: [],
    categorical: [],
    explicitNull: new Map(),
  }));
  for (const k of keys) {
    // Records list a feature sent as null in null_keys; outputs have no such list.
    const n = nulls.get(k.id);
    if (k.part === 0 && n && (n.ref > 0 || n.cur > 0)) {
      const e = out[0]?.explicitNull.get(k.name) ?? { ref: 0, cur: 0 };
      e.ref += n.ref;
      e.cur += n.cur;
      out[0]?.explicitNull.set(k.name, e);
    }
  }
  for (const r of numeric) {
    const k = byId.get(Number(r.f));
    const part = k ? out[k.part] : undefined;
    if (!k || !part) continue;
    const side = (p: 'r' | 'c') => {
      const n = Number(r[`${p}_n`]);
      if (n === 0) return null;
      const m1 = Number(r[`${p}_m1`]);
      const ss = Number(r[`${p}_ss`]);
      return {
        n,
        mean: m1 / n,
        // Two-pass, as the API's stddevPopStable, so the report matches the API's figure.
        std: Math.sqrt(ss / n),
        min: Number(r[`${p}_min`]),
        max: Number(r[`${p}_max`]),
        deciles: (r[`${p}_deciles`] as number[]).map(Number),
      };
    };
    const ref = side('r');
    const cur = side('c');
    const a: NumericAggregate = {
      name: k.name,
      ref,
      cur,
      distinct: Number(r.n_distinct),
      ksStatistic: r.d === null ? null : Number(r.d),
      wasserstein: r.w1 === null ? null : Number(r.w1),
      valueCounts: null,
      bins: null,
    };
    if (r.vs.length > 0 || a.distinct === 0)
      a.valueCounts = { values: r.vs.map(Number), ref: r.c0s.map(Number), cur: r.c1s.map(Number) };
    if (ref) {
      const edges = r.edges.map(Number);
      const binsOf = (n: number, ge: unknown) => {
        const atOrAbove = (ge as number[]).map(Number);
        return Array.from({ length: edges.length + 1 }, (_, b) =>
          b === 0
            ? n - (atOrAbove[0] ?? 0)
            : (atOrAbove[b - 1] ?? 0) - (b < edges.length ? (atOrAbove[b] ?? 0) : 0),
        );
      };
      a.bins = {
        edges,
        ref: edges.length === 0 ? [ref.n] : binsOf(ref.n, r['r_ge']),
        cur: edges.length === 0 ? [cur?.n ?? 0] : binsOf(cur?.n ?? 0, r['c_ge']),
      };
    }
    part.numeric.push(a);
  }
  const categorical = new Map<number, CategoricalAggregate>();
  for (const r of categories) {
    const k = byId.get(Number(r.f));
    if (!k || !out[k.part]) continue;
    let a = categorical.get(k.id);
    if (!a) {
      a = { name: k.name, ref: new Map(), cur: new Map(), refN: 0, curN: 0, truncated: false };
      categorical.set(k.id, a);
      out[k.part]?.categorical.push(a);
    }
    const side = Number(r.side) === 0 ? a.ref : a.cur;
    if (side.size >= MAX_CATEGORIES) a.truncated = true;
    else side.set(r.category, Number(r.c));
  }
  for (const [id, a] of categorical) {
    a.refN = present.get(id)?.ref ?? 0;
    a.curN = present.get(id)?.cur ?? 0;
  }
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  for (const p of out) {
    p.numeric.sort(byName);
    p.categorical.sort(byName);
  }
  return out;
}
