import { DAY_MS, HOUR_MS, heatGranularity } from '../../shared/index.js';

/*
 * The URLs the dashboard's model page asks first when opened without parameters (its default
 * view), derived as web/src/pages/model/model-view.ts derives them: the view warmer computes
 * these answers ahead of the first visitor. The two must agree to the byte (the cache is keyed
 * by URL; the dashboard may import only types from the server, so the rules are written twice):
 * web/src/pages/model/model-view.test.ts checks the dashboard asks no URL this list lacks.
 */

const HOUR = HOUR_MS;
const DAY = DAY_MS;
/** The model page's default range (web: DEFAULT_RANGE) when the data is recent. */
const DEFAULT_RANGE_MS = 90 * DAY;
/** Segment tables are computed ahead for this many of a model's tags. */
const MAX_SEGMENT_TAGS = 4;

/** ModelSummary is what GET /v1/models/{model} says that the default view depends on. */
export interface ModelSummary {
  model: string;
  environments: Record<string, { first: string; last: string }>;
  tags?: string[];
}

/**
 * presetStart is where a relative range ("last 90 days") starts. Ranges of a week or more start
 * on the hour, so every load within an hour asks the same URLs (and can share one answer).
 */
export function presetStart(nowMs: number, rangeMs: number): number {
  const start = nowMs - rangeMs;
  return rangeMs >= 7 * DAY ? Math.floor(start / HOUR) * HOUR : start;
}

function url(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/**
 * modelPageUrls lists the analytic GETs of a model page in its default view, at `nowMs` (the
 * dashboard reads the clock to the minute). Paths are as the server sees them (`/v1/...`).
 */
export function modelPageUrls(detail: ModelSummary, nowMs: number): string[] {
  const nowMinute = Math.floor(nowMs / 60_000) * 60_000;
  const envs = Object.keys(detail.environments);
  const env = envs.includes('production') ? 'production' : (envs[0] ?? 'production');
  const vol = detail.environments[env];
  const baseline = envs.includes('training')
    ? 'training'
    : envs.includes('validation')
      ? 'validation'
      : 'first-week';
  const firstMs = vol ? Date.parse(vol.first) : Number.NEGATIVE_INFINITY;
  const lastMs = vol ? Date.parse(vol.last) : nowMinute;
  const fromMs = nowMinute - lastMs < DEFAULT_RANGE_MS ? presetStart(nowMinute, DEFAULT_RANGE_MS) : undefined;
  const firstOr = Number.isFinite(firstMs) ? firstMs : (fromMs ?? nowMinute - 7 * DAY);
  const lo = Math.max(fromMs ?? firstOr, firstOr);
  const hi = Math.max(lo, lastMs + 1);
  const g = hi - lo <= 3 * DAY ? 'hour' : 'day';
  const heatSpan = fromMs === undefined ? hi - lo : nowMinute - fromMs;
  const heat = heatGranularity(heatSpan).granularity;
  const win = { environment: env, from: fromMs === undefined ? undefined : new Date(fromMs).toISOString() };
  const base: Record<string, string> =
    baseline === 'first-week' && vol
      ? {
          baseline: 'window',
          baseline_from: new Date(firstMs).toISOString(),
          baseline_to: new Date(firstMs + 7 * DAY).toISOString(),
        }
      : { baseline };
  const m = `/v1/models/${encodeURIComponent(detail.model)}`;
  // The page opens on the first tag; the others are one click away (and deep links name them).
  const tags = (detail.tags ?? []).slice(0, MAX_SEGMENT_TAGS);
  const quality = g === 'hour' && hi - lo > 14 * DAY ? 'day' : g;
  return [
    url(`${m}/performance`, { ...win, granularity: g }),
    url(`${m}/drift`, { ...win, ...base }),
    url(`${m}/drift`, { ...win, ...base, granularity: heat }),
    ...tags.map((by) => url(`${m}/segments`, { ...win, ...base, by })),
    url(`${m}/quality`, { ...win, ...base, granularity: quality }),
    url('/v1/rejected', { model: detail.model, limit: '200' }),
  ];
}
