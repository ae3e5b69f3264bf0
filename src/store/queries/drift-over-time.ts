import type { TimeBucket } from '../../shared/index.js';
import { int, joinSql, sql, str } from '../sql.js';
import type { Store } from '../store.js';
import { COUNT_KEYS, MAX_CATEGORIES } from './drift-aggregates.js';
import { partRows, windowSource } from './drift-rows.js';
import { type BinnedFeature, edgeLookup, perChunk } from './lookup-chunks.js';
import type { RecordWindow } from './record-window.js';
import { bucketStartSql } from './time-buckets.js';

/** DriftBuckets: the current window's records (features and outputs), per time bucket. */
export interface DriftBuckets {
  project: string;
  model: string;
  current: RecordWindow;
  granularity: Exclude<TimeBucket, 'all'>;
}

const bucketRows = (store: Store, q: DriftBuckets) =>
  partRows(
    windowSource(store, q.project, q.model, q.current, 1),
    true,
    sql`side, ${bucketStartSql(q.granularity)} AS b`,
  );

/**
 * driftBucketKeyCounts counts, per bucket and part, the rows (k = ''), the explicit nulls
 * ('n:NAME'), the categorical values ('c:NAME') and the numeric values ('v:NAME') of each feature.
 */
export function driftBucketKeyCounts(
  store: Store,
  q: DriftBuckets,
): Promise<Array<{ b: number; part: number; k: string; n: number }>> {
  return store.query(
    sql`SELECT b, part, k, count() AS n
     FROM (SELECT b, part, k FROM (${bucketRows(store, q)})
           ARRAY JOIN arrayConcat(${COUNT_KEYS}, arrayMap(x -> concat('v:', x), num_keys)) AS k)
     GROUP BY b, part, k`,
  );
}

export interface DriftBucketValueCounts {
  /** bins: per bucket, feature and bin of the baseline's edges, the count. */
  bins: Array<{ b: number; part: number; k: string; bin: number; c: number }>;
  /** cats: per bucket and feature, the MAX_CATEGORIES + 1 most frequent categories. */
  cats: Array<{ b: number; part: number; k: string; s: string; c: number }>;
  /** values: per bucket and candidate ("part:name"), at most discreteValues + 1 value counts. */
  values: Array<{ b: number; part: number; k: string; v: number; c: number }>;
}

/**
 * driftBucketValueCounts counts each bucket's side over the baseline's bins (`binned`), its
 * categories, and the values of the `candidates` (features discrete in the baseline). Wide
 * models: edges and candidate keys ride in chunks of LOOKUP_CHUNK (max_query_size).
 */
export async function driftBucketValueCounts(
  store: Store,
  q: DriftBuckets,
  opts: { binned: readonly BinnedFeature[]; candidates: readonly string[]; discreteValues: number },
): Promise<DriftBucketValueCounts> {
  const rows = bucketRows(store, q);
  const numericRows = sql`(SELECT b, part, k, v FROM (${rows}) ARRAY JOIN num_keys AS k, num_values AS v)`;
  const [bins, cats, values] = await Promise.all([
    perChunk(opts.binned, (chunk) => {
      const lookup = edgeLookup(chunk);
      return store.query<{ b: number; part: number; k: string; bin: number; c: number }>(
        sql`SELECT b, part, k, bin, count() AS c
         FROM (SELECT b, part, k, ${lookup.bin} AS bin FROM ${numericRows} WHERE ${lookup.index} > 0)
         GROUP BY b, part, k, bin`,
      );
    }),
    store.query<{ b: number; part: number; k: string; s: string; c: number }>(
      sql`SELECT b, part, k, s, count() AS c
       FROM (SELECT b, part, k, s FROM (${rows}) ARRAY JOIN cat_keys AS k, cat_values AS s)
       GROUP BY b, part, k, s ORDER BY b, part, k, c DESC, s LIMIT ${int(MAX_CATEGORIES + 1)} BY b, part, k`,
    ),
    perChunk(opts.candidates, (chunk) =>
      store.query<{ b: number; part: number; k: string; v: number; c: number }>(
        sql`SELECT b, part, k, v, count() AS c FROM ${numericRows}
         WHERE concat(toString(part), ':', k) IN (${joinSql(chunk.map(str), ', ')})
         GROUP BY b, part, k, v ORDER BY b, part, k, v LIMIT ${int(opts.discreteValues + 1)} BY b, part, k`,
      ),
    ),
  ]);
  return { bins, cats, values };
}
