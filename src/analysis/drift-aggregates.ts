import { int, num, type Store, str } from '../store/index.js';

/**
 * Drift aggregates are computed inside ClickHouse: TypeScript receives per-feature summaries,
 * never rows. The input is any SQL producing the row shape below with a `side` column (0 =
 * reference, 1 = current), so the same queries run on stored records (the HTTP API) and
 * straight on files (the offline report).
 *
 * Row shape: side UInt8, num_keys Array(String), num_values Array(Float64),
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
/** At most this many categories per feature and side come back, most frequent first. */
export const MAX_CATEGORIES = 1000;

const numericRows = (rows: RowsSql) =>
  `(SELECT side, k, v FROM (${rows}) ARRAY JOIN num_keys AS k, num_values AS v)`;

/** aggregateDrift runs the drift aggregation queries for every feature at once. */
export async function aggregateDrift(store: Store, rows: RowsSql): Promise<DriftAggregates> {
  // ClickHouse 18.16 lacks quantilesExactInclusive (numpy's 'linear'); it gets quantilesExact.
  const quantiles = store.engine === 'chdb' ? 'quantilesExactInclusive' : 'quantilesExact';
  const [sides, stats, exact, cats, nulls] = await Promise.all([
    store.query<{ side: number; n: number }>(`SELECT side, count() AS n FROM (${rows}) GROUP BY side`),
    store.query<{
      k: string;
      side: number;
      n: number;
      mean: number;
      std: number;
      min: number;
      max: number;
      deciles: number[];
    }>(
      `SELECT k, side, count() AS n, avg(v) AS mean, stddevPop(v) AS std, min(v) AS min, max(v) AS max,
              ${quantiles}(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)(v) AS deciles
       FROM ${numericRows(rows)} GROUP BY k, side`,
    ),
    store.query<{
      k: string;
      n_distinct: number;
      d: number | null;
      w1: number | null;
      vs: number[];
      c0s: number[];
      c1s: number[];
    }>(
      `SELECT k, n_distinct, if(n0 > 0 AND n1 > 0, d, NULL) AS d, if(n0 > 0 AND n1 > 0, w1, NULL) AS w1,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, vs, emptyArrayFloat64()) AS vs,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, c0s, emptyArrayUInt64()) AS c0s,
              if(n_distinct <= ${int(MAX_EXACT_DISTINCT)}, c1s, emptyArrayUInt64()) AS c1s
       FROM (
         SELECT k, arraySort(groupArray((v, c0, c1))) AS s, length(s) AS n_distinct,
                arrayMap(t -> tupleElement(t, 1), s) AS vs,
                arrayMap(t -> tupleElement(t, 2), s) AS c0s,
                arrayMap(t -> tupleElement(t, 3), s) AS c1s,
                arraySum(c0s) AS n0, arraySum(c1s) AS n1,
                arrayMap(x -> x / n0, arrayCumSum(c0s)) AS f0,
                arrayMap(x -> x / n1, arrayCumSum(c1s)) AS f1,
                arrayReduce('max', arrayMap((a, b) -> abs(a - b), f0, f1)) AS d,
                arraySum(arrayMap((a, b, dx) -> abs(a - b) * dx, f0, f1,
                  arrayPushBack(arrayPopFront(arrayDifference(vs)), 0))) AS w1
         FROM (SELECT k, v, toUInt64(countIf(side = 0)) AS c0, toUInt64(countIf(side = 1)) AS c1
               FROM ${numericRows(rows)} GROUP BY k, v)
         GROUP BY k)`,
    ),
    store.query<{ k: string; side: number; s: string; c: number }>(
      `SELECT k, side, s, count() AS c
       FROM (SELECT side, k, s FROM (${rows}) ARRAY JOIN cat_keys AS k, cat_values AS s)
       GROUP BY k, side, s ORDER BY k, side, c DESC, s LIMIT ${int(MAX_CATEGORIES + 1)} BY k, side`,
    ),
    store.query<{ k: string; side: number; c: number }>(
      `SELECT k, side, count() AS c FROM (SELECT side, k FROM (${rows}) ARRAY JOIN null_keys AS k) GROUP BY k, side`,
    ),
  ]);

  const rowCount = { ref: 0, cur: 0 };
  for (const s of sides) rowCount[s.side === 0 ? 'ref' : 'cur'] = Number(s.n);

  const numeric = new Map<string, NumericAggregate>();
  const numericOf = (k: string) => {
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
    numericOf(r.k)[r.side === 0 ? 'ref' : 'cur'] = {
      n: Number(r.n),
      mean: Number(r.mean),
      std: Number(r.std),
      min: Number(r.min),
      max: Number(r.max),
      deciles: r.deciles.map(Number),
    };
  }
  for (const r of exact) {
    const a = numericOf(r.k);
    a.distinct = Number(r.n_distinct);
    a.ksStatistic = r.d === null ? null : Number(r.d);
    a.wasserstein = r.w1 === null ? null : Number(r.w1);
    if (r.vs.length > 0 || a.distinct === 0)
      a.valueCounts = { values: r.vs.map(Number), ref: r.c0s.map(Number), cur: r.c1s.map(Number) };
  }

  await addBins(store, rows, [...numeric.values()]);

  const categorical = new Map<string, CategoricalAggregate>();
  for (const r of cats) {
    let a = categorical.get(r.k);
    if (!a) {
      a = { name: r.k, ref: new Map(), cur: new Map(), refN: 0, curN: 0, truncated: false };
      categorical.set(r.k, a);
    }
    const side = r.side === 0 ? a.ref : a.cur;
    if (side.size >= MAX_CATEGORIES) a.truncated = true;
    else side.set(r.s, Number(r.c));
  }
  if (categorical.size > 0) {
    const totals = await store.query<{ k: string; side: number; n: number }>(
      `SELECT k, side, count() AS n FROM (SELECT side, k FROM (${rows}) ARRAY JOIN cat_keys AS k) GROUP BY k, side`,
    );
    for (const t of totals) {
      const a = categorical.get(t.k);
      if (a) a[t.side === 0 ? 'refN' : 'curN'] = Number(t.n);
    }
  }

  const explicitNull = new Map<string, { ref: number; cur: number }>();
  for (const r of nulls) {
    const e = explicitNull.get(r.k) ?? { ref: 0, cur: 0 };
    e[r.side === 0 ? 'ref' : 'cur'] = Number(r.c);
    explicitNull.set(r.k, e);
  }

  const byName = (a: { name: string }, b: { name: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  return {
    rows: rowCount,
    numeric: [...numeric.values()].sort(byName),
    categorical: [...categorical.values()].sort(byName),
    explicitNull,
  };
}

/**
 * addBins counts both sides over the reference deciles (duplicates removed, as numpy.unique),
 * bin = number of inner edges ≤ v (numpy searchsorted side='right').
 */
async function addBins(store: Store, rows: RowsSql, features: NumericAggregate[]): Promise<void> {
  const binned = features.filter((f) => f.ref && f.ref.n > 0);
  if (binned.length === 0) return;
  for (const f of binned) {
    const edges = [...new Set(f.ref?.deciles ?? [])].filter(Number.isFinite).sort((a, b) => a - b);
    f.bins = { edges, ref: new Array(edges.length + 1).fill(0), cur: new Array(edges.length + 1).fill(0) };
  }
  // Each row finds its feature's edges by index into one constant array of arrays, then counts
  // the edges ≤ v. The lambda takes v as an argument (replicate) because ClickHouse 18.16
  // lambdas cannot see other columns; a multiIf over features measured 2x slower at 20 features.
  const names = binned.map((f) => str(f.name)).join(', ');
  const indices = binned.map((_, i) => String(i + 1)).join(', ');
  const edgeArrays = binned
    .map(
      (f) =>
        `[${[Number.NEGATIVE_INFINITY, ...(f.bins?.edges ?? [])].map((e) => (Number.isFinite(e) ? `toFloat64(${num(e)})` : '-inf')).join(', ')}]`,
    )
    .join(', ');
  const counts = await store.query<{ k: string; side: number; b: number; c: number }>(
    `SELECT k, side, b, count() AS c
     FROM (SELECT k, side, arrayElement([${edgeArrays}], transform(k, [${names}], [${indices}], 0)) AS edges,
                  arraySum(arrayMap((e, x) -> toUInt8(x >= e), edges, replicate(v, edges))) - 1 AS b
           FROM ${numericRows(rows)} WHERE k IN (${names}))
     GROUP BY k, side, b`,
  );
  const byName = new Map(binned.map((f) => [f.name, f]));
  for (const r of counts) {
    const bins = byName.get(r.k)?.bins;
    if (!bins) continue;
    const edgesEmpty = bins.edges.length === 0;
    const b = edgesEmpty ? 0 : Number(r.b);
    (r.side === 0 ? bins.ref : bins.cur)[b] = ((r.side === 0 ? bins.ref : bins.cur)[b] ?? 0) + Number(r.c);
  }
}
