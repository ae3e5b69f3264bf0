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
    : bucketOfWidthSql(TIME_BUCKET_MS[g]);
}

/** bucketOfWidthSql is the start of a record's bucket of any width in ms (a monitor's cadence). */
export function bucketOfWidthSql(widthMs: number): Sql {
  const w = int(widthMs);
  return sql`intDiv(ts, ${w}) * ${w}`;
}
