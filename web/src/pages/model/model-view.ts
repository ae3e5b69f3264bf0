import type { ModelDetail } from '../../../../src/server/api-types.js';
import type { Params } from '../../api/client.js';
import { apiUrl, getJson } from '../../api/client.js';
import type { ApiRequest } from '../../api/use-api.js';
import {
  autoGranularity,
  DAY,
  DEFAULT_RANGE,
  type Granularity,
  HOUR,
  rangeParams,
  readRange,
  span,
  type TimeRange,
} from '../../lib/time-range.js';
import { DRIFT_ROUTE, heatGranularity } from './drift-data.js';
import { qualityGranularity, qualityRequest } from './quality-data.js';

export const SEGMENTS_ROUTE = 'GET /v1/models/{model}/segments';

/** ModelView is everything a model page shows, read from its URL (and the model's volumes). */
export interface ModelView {
  env: string;
  version: string;
  /** baseline is `training`, `validation` or `first-week` (the environment's first 7 days). */
  baseline: string;
  baselineLabel: string;
  /** baselineParams are the drift and segments routes' baseline parameters. */
  baselineParams: Params;
  by: string;
  range: TimeRange;
  g: Granularity;
  stepMs: number;
  /** lo, hi: the range clipped to the data, for bucket and column sizes. */
  lo: number;
  hi: number;
  /** heat: the heatmap's bucket size (one granular drift request draws it). */
  heat: { granularity: 'hour' | 'day' | 'week'; stepMs: number };
  requests: {
    perf: ApiRequest;
    alerts: ApiRequest;
    rejected: ApiRequest;
    drift: ApiRequest;
    /** heat asks the drift route for every bucket at once (when it takes `granularity`). */
    heat: ApiRequest;
    /** null until a tag to split by is chosen. */
    segments: ApiRequest | null;
  };
}

/** nowMs is the clock rounded to the minute, so every render within a minute asks the same URLs. */
export const roundedNow = () => Math.floor(Date.now() / 60_000) * 60_000;

/**
 * modelView derives the page from the URL. With `detail` null (the model not loaded yet) it makes
 * the guesses a live model fits (production, last 90 days), so the page's queries can start in
 * parallel with the model's own; when the guess was right the view asks for the very same URLs.
 */
export function modelView(
  model: string,
  params: URLSearchParams,
  detail: ModelDetail | null,
  nowMs: number,
): ModelView {
  const envs = detail ? Object.keys(detail.environments) : [];
  const env =
    params.get('env') ?? (!detail || envs.includes('production') ? 'production' : (envs[0] ?? 'production'));
  const version = params.get('version') ?? '';
  const vol = detail?.environments[env];
  // A model without training data is compared with its own first week rather than with nothing.
  const fallbackBaseline =
    !detail || envs.includes('training')
      ? 'training'
      : envs.includes('validation')
        ? 'validation'
        : 'first-week';
  const baseline = params.get('baseline') ?? fallbackBaseline;
  const firstMs = vol ? Date.parse(vol.first) : Number.NEGATIVE_INFINITY;
  const lastMs = vol ? Date.parse(vol.last) : nowMs;
  // Recent data first; a model whose data is older (an imported history) opens on all of it.
  const range = readRange(params, nowMs, nowMs - lastMs < 90 * DAY ? DEFAULT_RANGE : 'all');
  const [lo, hi] = span(
    range,
    Number.isFinite(firstMs) ? firstMs : (range.fromMs ?? nowMs - 7 * DAY),
    lastMs,
  );
  const gParam = params.get('g');
  const g: Granularity = gParam === 'hour' || gParam === 'day' ? gParam : autoGranularity(hi - lo);
  const win: Params = { environment: env, version, ...rangeParams(range) };
  const enc = encodeURIComponent(model);
  const by = params.get('by') ?? detail?.tags?.[0] ?? '';
  // The heatmap's buckets follow the requested range where it has a start, so the guess made
  // before the model is known asks the same URL as the page does after.
  const heat = heatGranularity(range.fromMs === undefined ? hi - lo : (range.toMs ?? nowMs) - range.fromMs);
  const baselineParams: Params =
    baseline === 'first-week' && vol
      ? {
          baseline: 'window',
          baseline_from: new Date(firstMs).toISOString(),
          baseline_to: new Date(firstMs + 7 * DAY).toISOString(),
        }
      : { baseline };
  return {
    env,
    version,
    baseline,
    baselineLabel: baseline === 'first-week' ? `${env}, first 7 days` : baseline,
    baselineParams,
    by,
    range,
    g,
    stepMs: g === 'hour' ? HOUR : DAY,
    lo,
    hi,
    heat,
    requests: {
      perf: {
        path: `v1/models/${enc}/performance`,
        // A forecaster's answer carries every horizon too (the horizon × time heatmap).
        params: { ...win, granularity: g, ...(detail?.task === 'forecast' ? { by: 'horizon' } : {}) },
        route: 'GET /v1/models/{model}/performance',
      },
      alerts: { path: 'v1/alerts', params: { model }, route: 'GET /v1/alerts' },
      rejected: { path: 'v1/rejected', params: { model, limit: 200 }, route: 'GET /v1/rejected' },
      drift: { path: `v1/models/${enc}/drift`, params: { ...win, ...baselineParams }, route: DRIFT_ROUTE },
      heat: {
        path: `v1/models/${enc}/drift`,
        params: { ...win, ...baselineParams, granularity: heat.granularity },
        route: DRIFT_ROUTE,
      },
      segments: by
        ? {
            path: `v1/models/${enc}/segments`,
            params: { ...win, ...baselineParams, by },
            route: SEGMENTS_ROUTE,
          }
        : null,
    },
  };
}

/** prefetch starts the requests (answers land in the shared cache); capabilities are checked later. */
export function prefetch(
  view: ModelView,
  has: (route: string) => boolean,
  queryParams: (route: string) => ReadonlySet<string>,
): void {
  for (const [name, r] of Object.entries(view.requests)) {
    if (!r || !has(r.route)) continue;
    if (name === 'heat' && !queryParams(r.route).has('granularity')) continue;
    getJson(apiUrl(r.path, r.params)).catch(() => undefined);
  }
}

/** qualityRequestOf is the quality panel's request: the drift window, its baseline, a readable bucket size. */
export function qualityRequestOf(model: string, view: ModelView): ApiRequest {
  return qualityRequest(
    model,
    view.requests.drift.params ?? {},
    view.baselineParams,
    qualityGranularity(view.g, view.hi - view.lo),
  );
}
