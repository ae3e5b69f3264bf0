import { int, type Sql, sql } from '../sql.js';
import type { Store } from '../store.js';
import { type DriftRowSet, driftRowsSql, partsOf } from './drift-rows.js';
import { edgeLookup, MAX_MODEL_FEATURES, perChunk, tooManyFeatures } from './lookup-chunks.js';

/*
 * Drift aggregates are computed inside ClickHouse: TypeScript receives per-feature summaries,
 * never rows. The rows are a typed row set (drift-rows.ts): stored windows of records, or a
 * baseline cut into chunks. The same result shape comes from files (analysis/file-drift-aggregates.ts).
 */

/**
 * DriftAggregateOptions: exact: false skips the exact KS D / Wasserstein pass (every distinct
 * value, sorted) and keeps value counts only for features with at most `discreteValues` values:
 * what count-based drift (drift over time) needs from a baseline.
 */
export type DriftAggregateOptions = { exact?: true } | { exact: false; discreteValues: number };

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
/** At most this many categories per feature and side come back, most frequent first. */
export const MAX_CATEGORIES = 1000;

const numericRows = (rows: Sql) =>
  sql`(SELECT part, side, k, v FROM (${rows}) ARRAY JOIN num_keys AS k, num_values AS v)`;

/**
 * COUNT_KEYS lists, per row, one key per thing counted by rows: '' (the row itself), 'n:NAME' per
 * feature sent as null, 'c:NAME' per categorical value, so the row counts, explicit nulls and
 * categorical totals come from one scan instead of three (the lambdas take only their argument,
 * as ClickHouse 18.16 requires).
 */
export const COUNT_KEYS = sql`arrayConcat([''], arrayMap(x -> concat('n:', x), null_keys), arrayMap(x -> concat('c:', x), cat_keys))`;

/**
 * aggregateDriftParts runs the drift aggregation queries for every feature of every part of a
 * row set at once: each part (0 … parts − 1) is aggregated on its own (features and the model's
 * outputs, say) by the same queries, so one scan of the store serves them all. Returns one
 * DriftAggregates per part.
 */
export async function aggregateDriftParts(
  store: Store,
  rowSet: DriftRowSet,
  opts: DriftAggregateOptions = {},
): Promise<DriftAggregates[]> {
  const rows = driftRowsSql(store, rowSet);
  const parts = partsOf(rowSet);
  // ClickHouse 18.16 lacks quantilesExactInclusive (numpy's 'linear'); it gets quantilesExact.
  const quantiles = store.engine === 'chdb' ? sql`quantilesExactInclusive` : sql`quantilesExact`;
  // std is stddevPopStable: stddevPop (E[x²] − E[x]²) read σ 193 for 1e9 + {0, 1, 2} (true 0.82).
  const [counts, stats, exact, cats] = await Promise.all([
    store.query<{ part: number; side: number; k: string; n: number }>(
      sql`SELECT part, side, k, count() AS n FROM (SELECT part, side, k FROM (${rows}) ARRAY JOIN ${COUNT_KEYS} AS k)
       GROUP BY part, side, k`,
    ),
    store.query<{ part: number; k: string; side: number } & SideStats>(
      sql`SELECT part, k, side, count() AS n, avg(v) AS mean, stddevPopStable(v) AS std, min(v) AS min, max(v) AS max,
              ${quantiles}(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)(v) AS deciles
       FROM ${numericRows(rows)} GROUP BY part, k, side`,
    ),
    opts.exact === false
      ? fewValues(store, rows, opts.discreteValues)
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
          sql`SELECT part, k, n_distinct, if(n0 > 0 AND n1 > 0, d, NULL) AS d, if(n0 > 0 AND n1 > 0, w1, NULL) AS w1,
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
      sql`SELECT part, k, side, s, count() AS c
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
 * fewValues gives, per feature, its value counts when it has at most `discreteValues`
 * distinct values (LIMIT BY keeps one more to tell), in the exact query's row shape without KS.
 */
async function fewValues(store: Store, rows: Sql, discreteValues: number) {
  const limit = discreteValues + 1;
  const found = await store.query<{ part: number; k: string; v: number; c0: number; c1: number }>(
    sql`SELECT part, k, v, countIf(side = 0) AS c0, countIf(side = 1) AS c1 FROM ${numericRows(rows)}
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
 * addBins counts both sides over the reference deciles (duplicates removed, as numpy.unique),
 * bin = number of inner edges ≤ v (numpy searchsorted side='right').
 */
async function addBins(store: Store, rows: Sql, parts: NumericAggregate[][]): Promise<void> {
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
      sql`SELECT part, k, side, b, count() AS c
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
