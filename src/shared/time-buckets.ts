/**
 * Time buckets: the one table of bucket widths every layer uses (analysis, monitors, routes).
 * A bucket starts at a multiple of its width since the epoch; weeks start on Mondays (ISO
 * weeks, UTC), WEEK_OFFSET_MS after such a multiple. 'all' is one bucket for any real range
 * (offline reports), starting at the epoch. The SQL half is store/queries/time-buckets.ts.
 * This file is pure and imports nothing: the dashboard (web/) imports it at run time too, so the
 * server and the dashboard bucket time by the same table.
 */
export type TimeBucket = 'hour' | 'day' | 'week' | 'all';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export const TIME_BUCKET_MS: Readonly<Record<TimeBucket, number>> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: WEEK_MS,
  all: 1e15,
};

/** Weekly buckets start on Mondays (ISO weeks); epoch day 0 was a Thursday, 4 days before one. */
export const WEEK_OFFSET_MS = 4 * DAY_MS;

/** bucketStartMs is the start of the bucket of width `widthMs` holding `ms` (weeks and wider start on Mondays). */
export function bucketStartMs(ms: number, widthMs: number): number {
  const offset = widthMs >= WEEK_MS ? WEEK_OFFSET_MS : 0;
  return Math.floor((ms - offset) / widthMs) * widthMs + offset;
}

/** HEAT_SIZES are the drift heatmap's bucket sizes, smallest first (the granular drift route offers these). */
export const HEAT_SIZES = [
  { granularity: 'hour', stepMs: HOUR_MS },
  { granularity: 'day', stepMs: DAY_MS },
  { granularity: 'week', stepMs: WEEK_MS },
] as const;

/** MAX_HEAT_COLUMNS: at most this many heatmap columns, unless even weeks are more (a long history). */
export const MAX_HEAT_COLUMNS = 36;

/** heatGranularity picks the smallest heatmap bucket giving at most MAX_HEAT_COLUMNS over a span. */
export function heatGranularity(spanMs: number): (typeof HEAT_SIZES)[number] {
  return HEAT_SIZES.find((h) => Math.ceil(spanMs / h.stepMs) <= MAX_HEAT_COLUMNS) ?? HEAT_SIZES[2];
}
