import type { TimeBucket } from '../../shared/index.js';
import { int, joinSql, num, type Sql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { perChunk } from './lookup-chunks.js';
import { fin, type RecordWindow, windowWhere } from './record-window.js';
import { bucketStartSql } from './time-buckets.js';

/** At most this many categories per feature and bucket come back, most frequent first. */
export const QUALITY_MAX_CATEGORIES = 1000;
/** A baseline numeric feature with at most this many distinct values ships its value counts. */
export const QUALITY_MAX_VALUE_COUNTS = 1000;
/** WHOLE_WINDOW is the bucket key of a whole window. */
export const WHOLE_WINDOW = -1;

/**
 * QualityRows: a window's records keyed by bucket `b`: 'whole' puts every record in WHOLE_WINDOW,
 * 'bucket' in its time bucket, 'bucketAndWhole' in both (one scan gives the window's own
 * profile and its buckets').
 */
export interface QualityRows {
  project: string;
  model: string;
  window: RecordWindow;
  buckets: 'whole' | 'bucket' | 'bucketAndWhole';
  granularity: Extract<TimeBucket, 'hour' | 'day'>;
}

const FEATURE_COLUMNS = sql`num_keys, num_values, cat_keys, cat_values, null_keys`;

function rowsSql(store: Store, q: QualityRows): Sql {
  const source = (b: Sql) =>
    sql`SELECT ${b}, ${FEATURE_COLUMNS} FROM ${store.table('records')}${fin(q.window)} WHERE ${windowWhere(q.project, q.model, q.window)}`;
  const bucket = sql`toInt64(${bucketStartSql(q.granularity)})`;
  const whole = sql`toInt64(${int(WHOLE_WINDOW)})`;
  if (q.buckets === 'whole') return source(sql`${whole} AS b`);
  if (q.buckets === 'bucket') return source(sql`${bucket} AS b`);
  return sql`SELECT b, ${FEATURE_COLUMNS} FROM (${source(sql`ts`)})
     ARRAY JOIN [${bucket}, ${whole}] AS b`;
}

export interface QualityProfileRows {
  /** counts: per bucket, the rows (k = '') and each feature sent as null ('n:NAME'). */
  counts: Array<{ b: number; k: string; n: number }>;
  nums: Array<{ b: number; k: string; n: number; lo: number; hi: number; d: number }>;
  /** outsides: per bucket and ranged feature, the values outside the given range. */
  outsides: Array<{ b: number; k: string; out: number }>;
  catTotals: Array<{ b: number; k: string; n: number; d: number }>;
  cats: Array<{ b: number; k: string; s: string; c: number }>;
  /** values: the numeric value counts (QUALITY_MAX_VALUE_COUNTS + 1 at most), when asked for. */
  values: Array<{ b: number; k: string; v: number; c: number }>;
}

/**
 * qualityProfileRows runs the profile queries over a row set. `range` gives the baseline's
 * [min, max] per numeric feature for the out-of-range count (chunks of LOOKUP_CHUNK features per
 * query: max_query_size; issue 14, finding 9); `valueCounts` asks for exact numeric value counts.
 */
export async function qualityProfileRows(
  store: Store,
  q: QualityRows,
  opts: { range?: ReadonlyArray<[string, [number, number]]>; valueCounts?: boolean },
): Promise<QualityProfileRows> {
  const rows = rowsSql(store, q);
  const numeric = sql`(SELECT b, k, v FROM (${rows}) ARRAY JOIN num_keys AS k, num_values AS v)`;
  const categorical = sql`(SELECT b, k, s FROM (${rows}) ARRAY JOIN cat_keys AS k, cat_values AS s)`;
  // The baseline's extremes ride in as literals: transform() looks a row's feature up (NaN for
  // a feature the baseline never saw as a number, which compares false: nothing is counted).
  const keys = (part: ReadonlyArray<[string, [number, number]]>) =>
    joinSql(
      part.map(([k]) => str(k)),
      ', ',
    );
  const lookup = (part: ReadonlyArray<[string, [number, number]]>, i: 0 | 1) =>
    sql`transform(k, [${keys(part)}], [${joinSql(
      part.map(([, r]) => sql`toFloat64(${num(r[i])})`),
      ', ',
    )}], nan)`;
  const [counts, nums, outsides, catTotals, cats, values] = await Promise.all([
    store.query<{ b: number; k: string; n: number }>(
      sql`SELECT b, k, count() AS n
       FROM (SELECT b, k FROM (${rows}) ARRAY JOIN arrayConcat([''], arrayMap(x -> concat('n:', x), null_keys)) AS k)
       GROUP BY b, k`,
    ),
    store.query<{ b: number; k: string; n: number; lo: number; hi: number; d: number }>(
      sql`SELECT b, k, count() AS n, min(v) AS lo, max(v) AS hi, uniqExact(v) AS d
       FROM ${numeric} GROUP BY b, k`,
    ),
    perChunk(opts.range ?? [], (part) =>
      store.query<{ b: number; k: string; out: number }>(
        sql`SELECT b, k, countIf(v < ${lookup(part, 0)} OR v > ${lookup(part, 1)}) AS out
         FROM ${numeric} WHERE has([${keys(part)}], k) GROUP BY b, k`,
      ),
    ),
    store.query<{ b: number; k: string; n: number; d: number }>(
      sql`SELECT b, k, count() AS n, uniqExact(s) AS d FROM ${categorical} GROUP BY b, k`,
    ),
    store.query<{ b: number; k: string; s: string; c: number }>(
      sql`SELECT b, k, s, count() AS c FROM ${categorical} GROUP BY b, k, s
       ORDER BY b, k, c DESC, s LIMIT ${int(QUALITY_MAX_CATEGORIES)} BY b, k`,
    ),
    opts.valueCounts
      ? store.query<{ b: number; k: string; v: number; c: number }>(
          sql`SELECT b, k, v, count() AS c FROM ${numeric} GROUP BY b, k, v
           ORDER BY b, k, v LIMIT ${int(QUALITY_MAX_VALUE_COUNTS + 1)} BY b, k`,
        )
      : [],
  ]);
  return { counts, nums, outsides, catTotals, cats, values };
}

/**
 * bucketDistinctMax gives, per feature, the most distinct values any one bucket of the row set
 * holds among buckets with two values or more: 1 means the feature is constant within every
 * bucket of that size.
 */
export async function bucketDistinctMax(store: Store, q: QualityRows): Promise<Map<string, number>> {
  const rows = rowsSql(store, q);
  const perBucket = (expand: Sql) =>
    store.query<{ k: string; d: number }>(
      sql`SELECT k, max(d) AS d FROM (
         SELECT b, k, uniqExact(x) AS d, count() AS n FROM (SELECT b, k, x FROM (${rows}) ARRAY JOIN ${expand})
         GROUP BY b, k)
       WHERE n >= 2 GROUP BY k`,
    );
  const [nums, cats] = await Promise.all([
    perBucket(sql`num_keys AS k, num_values AS x`),
    perBucket(sql`cat_keys AS k, cat_values AS x`),
  ]);
  const out = new Map<string, number>();
  for (const r of [...nums, ...cats]) out.set(r.k, Math.max(out.get(r.k) ?? 0, Number(r.d)));
  return out;
}
