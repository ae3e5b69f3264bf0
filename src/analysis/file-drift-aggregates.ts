import {
  type FileColumn,
  type FileRoleColumns,
  isNumericType,
  readTypeOf,
  VigilError,
} from '../shared/index.js';
import {
  countFileRows,
  type FileCategoryRow,
  type FileNumericRow,
  type FileValueKey,
  type FileValueTotals,
  fileValueCounts,
  type Store,
} from '../store/index.js';
import {
  type CategoricalAggregate,
  type DriftAggregates,
  MAX_CATEGORIES,
  MAX_EXACT_DISTINCT,
  type NumericAggregate,
} from './drift-aggregates.js';

/**
 * File drift aggregates: the DriftAggregates of aggregateDriftParts (drift-aggregates.ts), computed
 * straight from two data files without loading them as records, from the value counts of every
 * column of both files (store/queries/file-drift.ts: each file parsed once). Everything the drift
 * layer needs is exact from those value counts: n, mean and std (two-pass, as stddevPopStable: the moment formula loses σ at 1e9 + N(0, 1)),
 * min/max, the deciles (quantilesExactInclusive's formula), the decile-bin counts, the exact KS D
 * and Wasserstein-1, per-value counts and categories. So the report gives the API's numbers, up
 * to float summation order, at the cost of one parse per file. Embedded engine only (the files
 * are read from the local disk).
 */

/** DriftFile is one side of the comparison: a data file and the columns that are not features. */
export interface DriftFile {
  path: string;
  /** format is the ClickHouse input format (CLICKHOUSE_FORMAT). */
  format: string;
  columns: readonly FileColumn[];
  roles: FileRoleColumns;
  /**
   * typed names the CSV feature columns read straight as numbers (store/queries/file-drift.ts
   * DriftFileSource.typed); aggregateFileDrift sets it.
   */
  typed?: ReadonlySet<string>;
}

/** KeyOf is one thing counted per value: a feature (part 0) or a model output (part 1), before its id. */
type KeyOf = Omit<FileValueKey, 'id'>;

/** readsAsNumber: the file reads the column as a number (typed formats; CSV/TSV read text). */
const readsAsNumber = (file: DriftFile, c: FileColumn) =>
  file.typed?.has(c.name) === true || isNumericType(readTypeOf(c.type, file.format));

/**
 * withTypedNumbers gives the files with the CSV feature columns ClickHouse inferred as numbers
 * marked `typed` (read straight as Nullable(Float64): one parse, no text per cell), or null when
 * there are none. A column that is text in the other file stays text (judged by its spellings),
 * and so do role columns (a class label `1.0` stays `1.0`).
 */
function withTypedNumbers(files: {
  reference: DriftFile;
  current: DriftFile;
}): { reference: DriftFile; current: DriftFile } | null {
  const textIn = (file: DriftFile, name: string) =>
    file.columns.some((c) => c.name === name && !isNumericType(c.type));
  const typedOf = (file: DriftFile, other: DriftFile) => {
    const roles = new Set(Object.values(file.roles));
    return new Set(
      file.format === 'CSVWithNames'
        ? file.columns
            .filter((c) => isNumericType(c.type) && !roles.has(c.name) && !textIn(other, c.name))
            .map((c) => c.name)
        : [],
    );
  };
  const reference = typedOf(files.reference, files.current);
  const current = typedOf(files.current, files.reference);
  if (reference.size === 0 && current.size === 0) return null;
  return {
    reference: { ...files.reference, typed: reference },
    current: { ...files.current, typed: current },
  };
}

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
 * fileKeys lists what one file contributes, read as insertFileRecords (store/queries/file-import.ts)
 * reads it into records: numeric columns as numbers (NaN missing), text columns by spelling (see
 * KeyOf.spelled), role columns left out; with outputs, the score and a regression prediction as
 * numeric `score` / `value` and a class prediction as categorical `label` (the outputs part of
 * drift-parts.ts). Numbers read with `+ 0`, which turns −0 into 0: GROUP BY keeps them apart
 * (bitwise) though they compare equal, and the drift core rejects value counts that do not
 * strictly ascend (stored records still have this flaw: see the report).
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
        ? { part: 0, name: c.name, kind: 'categorical', spelled: true, column: c.name, read: 'text' }
        : { part: 0, name: c.name, kind: 'numeric', column: c.name, read: 'number' },
    );
  if (!outputs) return keys;
  const { score, prediction } = file.roles;
  if (score) keys.push({ part: 1, name: 'score', kind: 'numeric', column: score, read: 'spelledNumber' });
  if (prediction)
    keys.push(
      regression
        ? { part: 1, name: 'value', kind: 'numeric', column: prediction, read: 'spelledNumber' }
        : { part: 1, name: 'label', kind: 'categorical', column: prediction, read: 'label' },
    );
  return keys;
}

const keyId = (k: Pick<KeyOf, 'part' | 'name' | 'kind'>) => `${k.part}\u0000${k.kind}\u0000${k.name}`;

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
  opts: FileDriftOptions,
): Promise<DriftAggregates[]> {
  // CSV numbers read straight as numbers when every cell parses as one; otherwise (an `NA`, a
  // `1.#IND`, a number spelled with blanks) as text, judged by the number spellings.
  const typed = withTypedNumbers(files);
  if (typed) {
    try {
      return await aggregateFiles(store, typed, opts);
    } catch (e) {
      if (!(e instanceof VigilError && e.code === 'store_error')) throw e;
    }
  }
  return aggregateFiles(store, files, opts);
}

export interface FileDriftOptions {
  regression: boolean;
  outputs: boolean;
  infinite?: InfiniteCount[];
  /** mixed, when given, receives the features numeric in one file and text in the other. */
  mixed?: Array<{ name: string; numericIn: 'reference' | 'current' }>;
}

async function aggregateFiles(
  store: Store,
  files: { reference: DriftFile; current: DriftFile },
  opts: FileDriftOptions,
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
  const all = [...ids.values()];
  const sources = [files.reference, files.current] as const;
  if (all.length === 0) {
    // Nothing to compare: the row counts are all there is.
    const rows = await countFileRows(store, sources);
    return Array.from({ length: parts }, () => ({
      rows,
      numeric: [],
      categorical: [],
      explicitNull: new Map(),
    }));
  }
  const counted = await fileValueCounts(store, {
    files: sources,
    keys: all,
    sides: [new Set((sides[0] ?? []).map((k) => k.id)), new Set((sides[1] ?? []).map((k) => k.id))],
    maxExactDistinct: MAX_EXACT_DISTINCT,
    maxCategories: MAX_CATEGORIES,
    infinite: opts.infinite !== undefined,
  });
  const byId = new Map<number, FileValueKey>(counted.keys.map((k) => [k.id, k]));
  for (const split of counted.splits) {
    // The file where the column spells numbers owns the numeric key, the other the categorical.
    const list = sides[split.numericSide];
    const at = list ? list.findIndex((k) => k.id === split.of) : -1;
    if (list && at !== -1) list[at] = split.key;
    const of = byId.get(split.of);
    if (of && of.part === 0)
      opts.mixed?.push({ name: of.name, numericIn: split.numericSide === 0 ? 'reference' : 'current' });
  }
  for (const r of counted.infinite) {
    const k = byId.get(Number(r.f));
    if (k)
      opts.infinite?.push({
        name: k.name,
        part: k.part,
        reference: { pos: Number(r.rp), neg: Number(r.rn) },
        current: { pos: Number(r.cp), neg: Number(r.cn) },
      });
  }
  const own = sides.map((keys) => new Set(keys.map((k) => k.id)));
  return assemble(parts, counted.keys, own, counted.totals, counted.numeric, counted.categories);
}

function assemble(
  parts: number,
  keys: readonly FileValueKey[],
  own: ReadonlyArray<ReadonlySet<number>>,
  totals: readonly FileValueTotals[],
  numeric: readonly FileNumericRow[],
  categories: readonly FileCategoryRow[],
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
