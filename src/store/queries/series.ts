import { int, sql, str } from '../sql.js';
import type { Store } from '../store.js';

/**
 * countLateSeriesPoints counts the points of a stored series written after `receivedAfter` for a
 * time at or before `tsAtOrBefore`: late data or a correction that a scorer must start over for.
 */
export async function countLateSeriesPoints(
  store: Store,
  project: string,
  name: string,
  after: { receivedAfter: number; tsAtOrBefore: number },
): Promise<number> {
  const [late] = await store.query<{ n: number }>(
    sql`SELECT count() AS n FROM ${store.table('series_points')} WHERE project = ${str(project)} AND name = ${str(name)} AND received > ${int(after.receivedAfter)} AND ts <= ${int(after.tsAtOrBefore)}`,
  );
  return Number(late?.n ?? 0);
}

/** selectSeriesPointsAfter gives a stored series' points after `afterTs` (latest write of each time), in time order. */
export async function selectSeriesPointsAfter(
  store: Store,
  project: string,
  name: string,
  afterTs: number,
): Promise<Array<{ ts: number; value: number; received: number }>> {
  return store.query<{ ts: number; value: number; received: number }>(
    sql`SELECT ts, value, received FROM ${store.table('series_points')} FINAL WHERE project = ${str(project)} AND name = ${str(name)} AND ts > ${int(afterTs)} ORDER BY ts`,
  );
}
