/**
 * Time buckets: the one table of bucket widths every layer uses (analysis, monitors, routes).
 * A bucket starts at a multiple of its width since the epoch; weeks start on Mondays (ISO
 * weeks, UTC), WEEK_OFFSET_MS after such a multiple. 'all' is one bucket for any real range
 * (offline reports), starting at the epoch. The SQL half is store/queries/time-buckets.ts.
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
