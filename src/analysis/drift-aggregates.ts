import { DISCRETE_MAX_VALUES } from '../core/index.js';
import { VigilError } from '../shared/errors.js';
import { int, num, type Store, str } from '../store/index.js';

/**
 * Drift aggregates are computed inside ClickHouse: TypeScript receives per-feature summaries,
 * never rows. The input is any SQL producing the row shape below with a `side` column (0 =
 * reference, 1 = current), so the same queries run on stored records (the HTTP API) and
 * straight on files (the offline report).
 *
 * Row shape: side UInt8 (and `part` UInt8 for aggregateDriftParts), num_keys Array(String), num_values Array(Float64),
 * cat_keys Array(String), cat_values Array(String), null_keys Array(String).
 */
export type RowsSql = string;

/** SideStats summarise one numeric feature on one side. */
export interface SideStats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** deciles are the 10%…90% quantiles (numpy's linear interpolation on chdb). */
  deciles: number[];
}

export interface NumericAggregate {
  name: string;
  ref: SideStats | null;
  cur: SideStats | null;
  /** distinct values over both sides. */
  distinct: number;
  /** ksStatistic is the exact two-sample KS D, computed over every distinct value. */
  ksStatistic: number | null;
  /** wasserstein is the exact Wasserstein-1 distance between the two samples. */
  wasserstein: number | null;
  /** valueCounts are present when `distinct` ≤ MAX_EXACT_DISTINCT. */
  valueCounts: { values: number[]; ref: number[]; cur: number[] } | null;
  /** bins: counts over the reference's decile edges (inner edges; first/last bins open). */
  bins: { edges: number[]; ref: number[]; cur: number[] } | null;
}

export interface CategoricalAggregate {
  name: string;
  ref: Map<string, number>;
  cur: Map<string, number>;
  refN: number;
  curN: number;
  /** truncated is true when more than MAX_CATEGORIES values exist; the rest are left out. */
  truncated: boolean;
}

export interface DriftAggregates {
  rows: { ref: number; cur: number };
  numeric: NumericAggregate[];
  categorical: CategoricalAggregate[];
  /** explicitNull counts features sent as null per side. */
  explicitNull: Map<string, { ref: number; cur: number }>;
}

/** Above this many distinct values, exact per-value counts stay in ClickHouse (KS D and W1 still exact). */
export const MAX_EXACT_DISTINCT = 20_000;
/** A numeric feature with at most this many distinct values is compared per value (core's rule). */
export const DISCRETE_CANDIDATE_VALUES = DISCRETE_MAX_VALUES;
/** At most this many categories per feature and side come back, most frequent first. */
export const MAX_CATEGORIES = 1000;

const numericRows = (rows: RowsSql) =>
  `(SELECT part, side, k, v FROM (${rows}) ARRAY JOIN num_keys AS k, num_values AS v)`;

/**
 * COUNT_KEYS lists, per row, one key per thing counted by rows: '' (the row itself), 'n:NAME' per
 * feature sent as null, 'c:NAME' per categorical value, so the row counts, explicit nulls and
 * categorical totals come from one scan instead of three (the lambdas take only their argument,
 * as ClickHouse 18.16 requires).
 */
export const COUNT_KEYS = `arrayConcat([''], arrayMap(x -> concat('n:', x), null_keys), arrayMap(x -> concat('c:', x), cat_keys))`;

/** aggregateDrift runs the drift aggregation queries for every feature at once. */
export async function aggregateDrift(store: Store, rows: RowsSql): Promise<DriftAggregates> {
  const [features] = await aggregateDriftParts(store, `SELECT *, toUInt8(0) AS part FROM (${rows})`, 1);
  return features as DriftAggregates;
}

/**
 * aggregateDriftParts is aggregateDrift over rows that carry a `part` column (0 … parts − 1):
 * each part is aggregated on its own (features and the model's outputs, say) by the same
 * queries, so one scan of the store serves them all. Returns one DriftAggregates per part.
 */
export async function aggregateDriftParts(
  store: Store,
  rows: RowsSql,
  parts: number,
  opts: {
    /**
     * exact: false skips the exact KS D / Wasserstein pass (every distinct value, sorted) and
     * keeps value counts only for features with at most DISCRETE_CANDIDATE_VALUES values: what
     * count-based drift (drift over time) needs from a baseline.
     */
    exact?: boolean;
  } = {},
): Promise<DriftAggregates[]> {
  // ClickHouse 18.16 lacks quantilesExactInclusive (numpy's 'linear'); it gets quantilesExact.
  // std is stddevPopStable: stddevPop (E[x²] − E[x]²) read σ 193 for 1e9 + {0, 1, 2} (true 0.82).
  const quantiles = store.engine === 'chdb' ? 'quantilesExactInclusive' : 'quantilesExact';
  const [counts, stats, exact, cats] = await Promise.all([
    store.query<{ part: number; side: number; k: string; n: number }>(
      `SELECT part, side, k, count() AS n FROM (SELECT part, side, k FROM (${rows}) ARRAY JOIN ${COUNT_KEYS} AS k)
       GROUP BY part, side, k`,
    ),
    store.query<{
      part: number;
      k: string;
      side: number;
      n: number;
      mean: number;
      std: number;
      min: number;
      max: number;
      deciles: number[];
    }>(
      `SELECT part, k, side, count() AS n, avg(v) AS mean, stddevPopStable(v) AS std, min(v) AS min, max(v) AS max,
              ${quantiles}(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)(v) AS deciles
       FROM ${numericRows(rows)} GROUP BY part, k, side`,
    ),
    opts.exact === false
      ? fewValues(store, rows)
      : store.query<{
          part: number;
          k: string;
          n_distinct: number;
          d: number | null;
          w1: number | null;
          vs: number[];
          c0s: number[];
          c1s: number[];
        }>(
          `SELECT part, k, n_distinct, if(n0 > 0 AND n1 > 0, d, NULL) AS d, if(n0 > 0 AND n1 > 0, w1, NULL) AS w1,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, vs, emptyArrayFloat64()) AS vs,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, c0s, emptyArrayUInt64()) AS c0s,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, c1s, emptyArrayUInt64()) AS c1s
       FROM (
         SELECT part, k, arraySort(groupArray((v, c0, c1))) AS s, length(s) AS n_distinct,
                arrayMap(t -> tupleElement(t, 1), s) AS vs,
                arrayMap(t -> tupleElement(t, 2), s) AS c0s,
                arrayMap(t -> tupleElement(t, 3), s) AS c1s,
                arraySum(c0s) AS n0, arraySum(c1s) AS n1,
                arrayMap(x -> x / n0, arrayCumSum(c0s)) AS f0,
                arrayMap(x -> x / n1, arrayCumSum(c1s)) AS f1,
                arrayReduce('max', arrayMap((a, b) -> abs(a - b), f0, f1)) AS d,
                arraySum(arrayMap((a, b, dx) -> abs(a - b) * dx, f0, f1,
                  arrayPushBack(arrayPopFront(arrayDifference(vs)), 0))) AS w1
         FROM (SELECT part, k, v, toUInt64(countIf(side = 0)) AS c0, toUInt64(countIf(side = 1)) AS c1
               FROM ${numericRows(rows)} GROUP BY part, k, v)
         GROUP BY part, k)`,
        ),
    store.query<{ part: number; k: string; side: number; s: string; c: number }>(
      `SELECT part, k, side, s, count() AS c
       FROM (SELECT part, side, k, s FROM (${rows}) ARRAY JOIN cat_keys AS k, cat_values AS s)
       GROUP BY part, k, side, s ORDER BY part, k, side, c DESC, s LIMIT ${int(MAX_CATEGORIES + 1)} BY part, k, side`,
    ),
  ]);

  const out: Array<{
    rows: { ref: number; cur: number };
    numeric: Map<string, NumericAggregate>;
    categorical: Map<string, CategoricalAggregate>;
    explicitNull: Map<string, { ref: number; cur: number }>;
    catTotals: Map<string, { ref: number; cur: number }>;
  }> = Array.from({ length: parts }, () => ({
    rows: { ref: 0, cur: 0 },
    numeric: new Map(),
    categorical: new Map(),
    explicitNull: new Map(),
    catTotals: new Map(),
  }));
  const partOf = (p: number) => out[Number(p)];
  const sideKey = (side: number) => (Number(side) === 0 ? 'ref' : 'cur');

  for (const r of counts) {
    const p = partOf(r.part);
    if (!p) continue;
    if (r.k === '') p.rows[sideKey(r.side)] = Number(r.n);
    else {
      const into = r.k.startsWith('n:') ? p.explicitNull : p.catTotals;
      const name = r.k.slice(2);
      const e = into.get(name) ?? { ref: 0, cur: 0 };
      e[sideKey(r.side)] = Number(r.n);
      into.set(name, e);
    }
  }

  const numericOf = (part: number, k: string) => {
    const numeric = partOf(part)?.numeric;
    if (!numeric) return null;
    let a = numeric.get(k);
    if (!a) {
      a = {
        name: k,
        ref: null,
        cur: null,
        distinct: 0,
        ksStatistic: null,
        wasserstein: null,
        valueCounts: null,
        bins: null,
      };
      numeric.set(k, a);
    }
    return a;
  };
  for (const r of stats) {
    const a = numericOf(r.part, r.k);
    if (!a) continue;
    a[sideKey(r.side)] = {
      n: Number(r.n),
      mean: Number(r.mean),
      std: Number(r.std),
      min: Number(r.min),
      max: Number(r.max),
      deciles: r.deciles.map(Number),
    };
  }
  for (const r of exact) {
    const a = numericOf(r.part, r.k);
    if (!a) continue;
    a.distinct = Number(r.n_distinct);
    a.ksStatistic = r.d === null ? null : Number(r.d);
    a.wasserstein = r.w1 === null ? null : Number(r.w1);
    if (r.vs.length > 0 || a.distinct === 0)
      a.valueCounts = { values: r.vs.map(Number), ref: r.c0s.map(Number), cur: r.c1s.map(Number) };
  }

  for (const p of out) {
    const n = p.numeric.size + p.catTotals.size;
    if (n > MAX_MODEL_FEATURES) throw tooManyFeatures(n);
  }
  await addBins(
    store,
    rows,
    out.map((p) => [...p.numeric.values()]),
  );

  for (const r of cats) {
    const p = partOf(r.part);
    if (!p) continue;
    let a = p.categorical.get(r.k);
    if (!a) {
      a = { name: r.k, ref: new Map(), cur: new Map(), refN: 0, curN: 0, truncated: false };
      p.categorical.set(r.k, a);
    }
    const side = Number(r.side) === 0 ? a.ref : a.cur;
    if (side.size >= MAX_CATEGORIES) a.truncated = true;
    else side.set(r.s, Number(r.c));
  }

  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return out.map((p) => {
    for (const [name, a] of p.categorical) {
      const t = p.catTotals.get(name);
      a.refN = t?.ref ?? 0;
      a.curN = t?.cur ?? 0;
    }
    return {
      rows: p.rows,
      numeric: [...p.numeric.values()].sort(byName),
      categorical: [...p.categorical.values()].sort(byName),
      explicitNull: p.explicitNull,
    };
  });
}

/**
 * fewValues gives, per feature, its value counts when it has at most DISCRETE_CANDIDATE_VALUES
 * distinct values (LIMIT BY keeps one more to tell), in the exact query's row shape without KS.
 */
async function fewValues(store: Store, rows: RowsSql) {
  const limit = DISCRETE_CANDIDATE_VALUES + 1;
  const found = await store.query<{ part: number; k: string; v: number; c0: number; c1: number }>(
    `SELECT part, k, v, countIf(side = 0) AS c0, countIf(side = 1) AS c1 FROM ${numericRows(rows)}
     GROUP BY part, k, v ORDER BY part, k, v LIMIT ${int(limit)} BY part, k`,
  );
  const byKey = new Map<string, typeof found>();
  for (const r of found) {
    const key = `${Number(r.part)}\u0000${r.k}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()].map((list) => {
    const few = list.length < limit;
    const first = list[0] as (typeof found)[number];
    return {
      part: Number(first.part),
      k: first.k,
      n_distinct: list.length,
      d: null,
      w1: null,
      vs: few ? list.map((r) => Number(r.v)) : [],
      c0s: few ? list.map((r) => Number(r.c0)) : [],
      c1s: few ? list.map((r) => Number(r.c1)) : [],
    };
  });
}

/** referenceEdges are a feature's bin edges: the reference deciles, unique, as numpy.unique. */
export function referenceEdges(deciles: readonly number[]): number[] {
  return [...new Set(deciles)].filter(Number.isFinite).sort((a, b) => a - b);
}

/**
 * LOOKUP_CHUNK: features whose keys or bin edges ride in one query as literals. Wider models
 * (thousands of features) are looked up in several queries of this many, so no query passes
 * ClickHouse's max_query_size (256 KiB) or max_ast_elements (issue 14, finding 9): 150 features
 * of 256-character names and 10 edges each is under 100 KB.
 */
export const LOOKUP_CHUNK = 150;

/** MAX_MODEL_FEATURES: distinct features (per part) one drift or quality answer compares. */
export const MAX_MODEL_FEATURES = 20_000;

/** tooManyFeatures is the 400 for a model past MAX_MODEL_FEATURES, naming the cap. */
export function tooManyFeatures(n: number): VigilError {
  return new VigilError(
    'too_many_features',
    `features: the selected records carry ${n} distinct features; at most ${MAX_MODEL_FEATURES} are compared at once. Narrow the window or version, or send fewer distinct feature names`,
    { status: 400, field: 'features' },
  );
}

/** chunked splits a list into runs of at most `size`. */
export function chunked<T>(list: readonly T[], size = LOOKUP_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** perChunk runs one query per chunk, one at a time, and joins their rows. */
export async function perChunk<T, R>(list: readonly T[], run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of chunked(list)) out.push(...(await run(chunk)));
  return out;
}

/**
 * edgeLookup is the SQL that gives each row its feature's bin edges (−inf first) by the
 * (part, name) of the row, from one constant array of arrays; index 0 when the feature has
 * none. Edges ride in as literals, and the lambda that counts them takes v as an argument
 * (replicate) because ClickHouse 18.16 lambdas cannot see other columns; a multiIf over
 * features measured 2x slower at 20 features.
 */
export function edgeLookup(
  features: ReadonlyArray<{ part: number; name: string; edges: readonly number[] }>,
): {
  index: string;
  edges: string;
  bin: string;
} {
  const keys = features.map((f) => str(`${f.part}:${f.name}`)).join(', ');
  const indices = features.map((_, i) => String(i + 1)).join(', ');
  const edgeArrays = features
    .map(
      (f) =>
        `[${[Number.NEGATIVE_INFINITY, ...f.edges].map((e) => (Number.isFinite(e) ? `toFloat64(${num(e)})` : '-inf')).join(', ')}]`,
    )
    .join(', ');
  const index = `transform(concat(toString(part), ':', k), [${keys}], [${indices}], 0)`;
  const edges = `arrayElement([${edgeArrays}], ${index})`;
  return {
    index,
    edges,
    bin: `arraySum(arrayMap((e, x) -> toUInt8(x >= e), ${edges}, replicate(v, ${edges}))) - 1`,
  };
}

/**
 * addBins counts both sides over the reference deciles (duplicates removed, as numpy.unique),
 * bin = number of inner edges ≤ v (numpy searchsorted side='right').
 */
async function addBins(store: Store, rows: RowsSql, parts: NumericAggregate[][]): Promise<void> {
  const binned: Array<{ part: number; name: string; edges: number[]; f: NumericAggregate }> = [];
  parts.forEach((features, part) => {
    for (const f of features) {
      if (!f.ref || f.ref.n === 0) continue;
      const edges = referenceEdges(f.ref.deciles);
      f.bins = { edges, ref: new Array(edges.length + 1).fill(0), cur: new Array(edges.length + 1).fill(0) };
      binned.push({ part, name: f.name, edges, f });
    }
  });
  if (binned.length === 0) return;
  const counts = await perChunk(binned, (chunk) => {
    const lookup = edgeLookup(chunk);
    return store.query<{ part: number; k: string; side: number; b: number; c: number }>(
      `SELECT part, k, side, b, count() AS c
       FROM (SELECT part, k, side, ${lookup.bin} AS b FROM ${numericRows(rows)} WHERE ${lookup.index} > 0)
       GROUP BY part, k, side, b`,
    );
  });
  const byKey = new Map(binned.map((x) => [`${x.part}:${x.name}`, x.f]));
  for (const r of counts) {
    const bins = byKey.get(`${Number(r.part)}:${r.k}`)?.bins;
    if (!bins) continue;
    const b = bins.edges.length === 0 ? 0 : Number(r.b);
    const side = Number(r.side) === 0 ? bins.ref : bins.cur;
    side[b] = (side[b] ?? 0) + Number(r.c);
  }
}
