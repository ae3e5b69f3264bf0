import { fmtDay, fmtTime } from './format.js';

// The time range lives in the URL as `range=7d` (relative to now, so a shared link keeps
// showing the latest data) or as absolute `from`/`to` (a link to one incident).

import { bucketStartMs, DAY_MS, HOUR_MS } from '../../../src/shared/time-buckets.js';

export const HOUR = HOUR_MS;
export const DAY = DAY_MS;

export const PRESETS = [
  { key: '24h', ms: DAY },
  { key: '7d', ms: 7 * DAY },
  { key: '14d', ms: 14 * DAY },
  { key: '30d', ms: 30 * DAY },
  { key: '90d', ms: 90 * DAY },
] as const;

export type Granularity = 'hour' | 'day';

export interface TimeRange {
  /** undefined bounds mean "all data" on that side. */
  fromMs: number | undefined;
  toMs: number | undefined;
  label: string;
  key: string;
}

function parseTime(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * presetStart is where a relative range starts. Ranges of a week or more start on the hour, so
 * every load within the hour asks the same URLs: the server answers those from its cache, and
 * warms the default view's (src/server/dashboard-views.ts, which must agree).
 */
export function presetStart(nowMs: number, rangeMs: number): number {
  const start = nowMs - rangeMs;
  return rangeMs >= 7 * DAY ? Math.floor(start / HOUR) * HOUR : start;
}

/**
 * readRange reads the range from the URL; with none there, `fallback` (a preset key or 'all')
 * applies, so a page can default to recent data without writing the default into links.
 */
export function readRange(params: URLSearchParams, nowMs = Date.now(), fallback = 'all'): TimeRange {
  const from = parseTime(params.get('from'));
  const to = parseTime(params.get('to'));
  if (from !== undefined || to !== undefined) {
    return {
      fromMs: from,
      toMs: to,
      key: 'custom',
      label: `${from === undefined ? 'start' : fmtTime(from)} → ${to === undefined ? 'now' : fmtTime(to)}`,
    };
  }
  const preset = PRESETS.find((p) => p.key === (params.get('range') ?? fallback));
  if (preset)
    return {
      fromMs: presetStart(nowMs, preset.ms),
      toMs: undefined,
      key: preset.key,
      label: `last ${preset.key}`,
    };
  return { fromMs: undefined, toMs: undefined, key: 'all', label: 'all data' };
}

/** rangeParams is the range as API query parameters. */
export function rangeParams(r: TimeRange): { from?: string; to?: string } {
  return {
    ...(r.fromMs === undefined ? {} : { from: new Date(r.fromMs).toISOString() }),
    ...(r.toMs === undefined ? {} : { to: new Date(r.toMs).toISOString() }),
  };
}

/** span is the range clipped to where data exists, for choosing bucket sizes. */
export function span(r: TimeRange, dataFirstMs: number, dataLastMs: number): [number, number] {
  const lo = Math.max(r.fromMs ?? dataFirstMs, dataFirstMs);
  const hi = Math.min(r.toMs ?? dataLastMs + 1, dataLastMs + 1);
  return [lo, Math.max(lo, hi)];
}

/** Hourly buckets up to three days keep metric buckets big enough to mean something. */
export function autoGranularity(spanMs: number): Granularity {
  return spanMs <= 3 * DAY ? 'hour' : 'day';
}

/** Heatmap column widths, smallest first; the first giving at most MAX_COLUMNS columns wins. */
const COLUMN_MS = [HOUR, 3 * HOUR, 6 * HOUR, DAY, 7 * DAY, 28 * DAY];
export const MAX_COLUMNS = 36;

/** DEFAULT_RANGE is what a model page shows first when its data is recent: three months. */
export const DEFAULT_RANGE = '90d';

export function columnsFor(lo: number, hi: number): Array<{ fromMs: number; toMs: number }> {
  const width = COLUMN_MS.find((w) => Math.ceil((hi - lo) / w) <= MAX_COLUMNS) ?? 28 * DAY;
  const start = bucketStartMs(lo, width);
  const cols: Array<{ fromMs: number; toMs: number }> = [];
  for (let t = start; t < hi; t += width) cols.push({ fromMs: t, toMs: t + width });
  return cols;
}

/** toInputValue / fromInputValue convert between epoch ms and `<input type=datetime-local>` in UTC. */
export function toInputValue(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toISOString().slice(0, 16);
}

export function fromInputValue(v: string): number | undefined {
  if (v === '') return undefined;
  const ms = Date.parse(`${v}:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function columnLabel(c: { fromMs: number; toMs: number }): string {
  return c.toMs - c.fromMs >= DAY ? fmtDay(c.fromMs) : fmtTime(c.fromMs);
}
