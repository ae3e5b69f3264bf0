import { TIME_BUCKET_MS, type TimeBucket, WEEK_OFFSET_MS } from '../../shared/index.js';
import { int, type Sql, sql } from '../sql.js';

/**
 * bucketStartSql is a record's bucket start (epoch ms) in Int64 arithmetic (no DateTime64 on
 * 18.16); the widths are shared/time-buckets.ts's.
 */
export function bucketStartSql(g: TimeBucket): Sql {
  const w = int(TIME_BUCKET_MS[g]);
  return g === 'week'
    ? sql`intDiv(ts - ${int(WEEK_OFFSET_MS)}, ${w}) * ${w} + ${int(WEEK_OFFSET_MS)}`
    : sql`intDiv(ts, ${w}) * ${w}`;
}
