/** Earliest and latest accepted event times: 1970 to 2200, in epoch milliseconds. */
const MAX_MS = Date.UTC(2200, 0, 1);
/** Numbers below this are almost surely epoch *seconds* sent by mistake (1e11 ms is March 1973). */
const SECONDS_SUSPECT_MS = 1e11;

const RFC3339 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * parseTimestamp reads an RFC 3339 string or epoch milliseconds; it returns the epoch ms or a
 * reason the value is not a time. A string without a zone is taken as UTC, as logs usually are.
 */
export function parseTimestamp(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'must be a finite number of epoch milliseconds';
    if (value >= 0 && value < SECONDS_SUSPECT_MS)
      return `${value} looks like epoch seconds; send epoch milliseconds or an RFC 3339 string`;
    if (value < 0 || value >= MAX_MS) return 'is outside the years 1970-2200';
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    const s = value.trim();
    if (!RFC3339.test(s))
      return `${JSON.stringify(value.slice(0, 40))} is not an RFC 3339 time or epoch milliseconds`;
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(s) || s.length <= 10 ? s : `${s}Z`;
    const ms = Date.parse(zoned.length === 10 ? `${zoned}T00:00:00Z` : zoned.replace(' ', 'T'));
    if (!Number.isFinite(ms) || !isCalendarDay(s))
      return `${JSON.stringify(value.slice(0, 40))} is not a valid date`;
    if (ms < 0 || ms >= MAX_MS) return 'is outside the years 1970-2200';
    return ms;
  }
  return 'must be an RFC 3339 string or epoch milliseconds';
}

/** isCalendarDay: the string's YYYY-MM-DD is a real day (Date.parse reads 2026-02-30 as 2 March). */
function isCalendarDay(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
