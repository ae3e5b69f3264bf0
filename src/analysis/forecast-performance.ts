import {
  addForecastSums,
  emptyForecastSums,
  type ForecastSums,
  forecastMetricsFromSums,
  type SeasonLag,
  seasonalNaiveScaleAt,
  seasonLagOf,
} from '../core/index.js';
import { DAY_MS, type Horizon, horizonLabel, parseHorizon, TIME_BUCKET_MS } from '../shared/index.js';
import {
  type ForecastSumsRow,
  forecastSumRows,
  type Store,
  seriesActualValues,
  type RecordWindow as Window,
} from '../store/index.js';
import type { ModelConfig } from './models.js';
import type { Granularity, PerformanceBucket } from './performance.js';

/** HISTORY_MS: how far before the window MASE's scale reads the series' actuals. */
export const SCALE_HISTORY_MS = 35 * DAY_MS;

export interface ForecastPerformanceOptions {
  project: string;
  model: string;
  /** window: environment, version, segment; its time range applies to the TARGET time. */
  window: Window;
  granularity: Granularity;
  labelsAsOfMs?: number | undefined;
  /** horizon keeps one horizon only (monitors). */
  horizon?: Horizon | undefined;
  config: ModelConfig;
}

/** HorizonPerformance is one horizon's metrics, overall and per target-time bucket. */
export interface HorizonPerformance {
  /** horizon: "PT1H", "PT24H", "P7D" (durations) or "3 steps". */
  horizon: string;
  horizon_ms: number | null;
  steps: number | null;
  count: number;
  labeled: number;
  metrics: Record<string, number | null>;
  series: PerformanceBucket[];
}

export interface ForecastPerformance {
  /** series: every horizon pooled, per target-time bucket. */
  series: PerformanceBucket[];
  horizons: HorizonPerformance[];
  /** season: the seasonal naive lag MASE scales by (null: no actuals to scale by yet). */
  season: { lag_ms: number; source: SeasonLag['source'] } | null;
}

/**
 * declaredSeason reads the model's `season` setting (`PUT /v1/models/{model}` `{"season": "P1D"}`
 * or a number of steps); undefined when none is declared or it does not parse.
 */
export function declaredSeason(config: ModelConfig): Horizon | undefined {
  const s = config['season'];
  if (s === undefined || s === null) return undefined;
  const h = parseHorizon(s, { short: true });
  return typeof h === 'string' ? undefined : h;
}

interface Acc {
  count: number;
  labeled: number;
  sums: ForecastSums;
}
const newAcc = (): Acc => ({ count: 0, labeled: 0, sums: emptyForecastSums() });

function add(acc: Acc, r: ForecastSumsRow, scale: number): void {
  const labeled = Number(r.labeled);
  const abs = Number(r.abs);
  acc.count += Number(r.n);
  acc.labeled += labeled;
  const scaled = Number.isFinite(scale) && scale > 0;
  addForecastSums(acc.sums, {
    n: labeled,
    abs,
    sq: Number(r.sq),
    err: Number(r.err),
    ape: Number(r.ape),
    sape: Number(r.sape),
    scaled: scaled ? abs / scale : 0,
    nScaled: scaled ? labeled : 0,
    nInterval: Number(r.n_int),
    covered: Number(r.covered),
    width: Number(r.width),
    pinball: Number(r.pinball),
  });
}

const bucketOf = (b: number, acc: Acc): PerformanceBucket => ({
  start: new Date(b).toISOString(),
  count: acc.count,
  labeled: acc.labeled,
  metrics: { ...forecastMetricsFromSums(acc.sums) },
  estimated: null,
});

const sortedBuckets = (m: Map<number, Acc>) =>
  [...m.entries()].sort((a, b) => a[0] - b[0]).map(([b, acc]) => bucketOf(b, acc));

/**
 * seriesScales reads each series' actuals before the window's end and gives its seasonal-naive
 * scale (MASE's denominator), with the lag chosen once for the model: declared, else detected on
 * the longest series.
 */
async function seriesScales(
  store: Store,
  opts: ForecastPerformanceOptions,
): Promise<{ scales: Map<string, number>; season: ForecastPerformance['season'] }> {
  const toMs = opts.window.toMs ?? Number.MAX_SAFE_INTEGER;
  const fromMs = opts.window.fromMs === undefined ? 0 : Math.max(0, opts.window.fromMs - SCALE_HISTORY_MS);
  const rows = await seriesActualValues(store, {
    project: opts.project,
    model: opts.model,
    fromMs,
    toMs: Math.min(toMs, 7_258_118_400_000),
    labelsAsOfMs: opts.labelsAsOfMs,
  });
  const bySeries = new Map<string, { t: number[]; y: number[] }>();
  for (const r of rows) {
    const s = bySeries.get(r.series) ?? { t: [], y: [] };
    s.t.push(Number(r.t));
    s.y.push(Number(r.y));
    bySeries.set(r.series, s);
  }
  const longest = [...bySeries.values()].sort((a, b) => b.t.length - a.t.length)[0];
  if (!longest || longest.t.length < 2) return { scales: new Map(), season: null };
  const lag = seasonLagOf(longest.t, longest.y, declaredSeason(opts.config));
  if (!Number.isFinite(lag.lagMs) || lag.lagMs <= 0) return { scales: new Map(), season: null };
  const scales = new Map<string, number>();
  for (const [series, s] of bySeries) scales.set(series, seasonalNaiveScaleAt(s.t, s.y, lag.lagMs));
  return { scales, season: { lag_ms: lag.lagMs, source: lag.source } };
}

/**
 * measureForecastPerformance computes a forecaster's metrics (core/metrics/forecast.ts) per
 * target-time bucket and per horizon: ClickHouse sums per (bucket, horizon, series), and each
 * series' absolute errors are scaled by its own seasonal-naive MAE for MASE.
 */
export async function measureForecastPerformance(
  store: Store,
  opts: ForecastPerformanceOptions,
): Promise<ForecastPerformance> {
  const bucketMs = opts.granularity === 'all' ? 0 : TIME_BUCKET_MS[opts.granularity];
  const [rows, { scales, season }] = await Promise.all([
    forecastSumRows(store, {
      project: opts.project,
      model: opts.model,
      window: opts.window,
      bucketMs,
      labelsAsOfMs: opts.labelsAsOfMs,
      horizon: opts.horizon,
    }),
    seriesScales(store, opts),
  ]);
  const pooled = new Map<number, Acc>();
  const horizons = new Map<string, { h: Horizon; total: Acc; buckets: Map<number, Acc> }>();
  for (const r of rows) {
    const b = Number(r.b);
    const hs = Number(r.hs);
    const h: Horizon = hs >= 0 ? { steps: hs } : { ms: Number(r.hm) };
    const key = hs >= 0 ? `s${hs}` : `m${Number(r.hm)}`;
    const scale = scales.get(r.series) ?? Number.NaN;
    const p = pooled.get(b) ?? newAcc();
    add(p, r, scale);
    pooled.set(b, p);
    let entry = horizons.get(key);
    if (!entry) {
      entry = { h, total: newAcc(), buckets: new Map() };
      horizons.set(key, entry);
    }
    add(entry.total, r, scale);
    const hb = entry.buckets.get(b) ?? newAcc();
    add(hb, r, scale);
    entry.buckets.set(b, hb);
  }
  const order = (h: Horizon) => ('ms' in h ? h.ms : Number.MAX_SAFE_INTEGER / 2 + h.steps);
  return {
    series: sortedBuckets(pooled),
    horizons: [...horizons.values()]
      .sort((a, b) => order(a.h) - order(b.h))
      .map(({ h, total, buckets }) => ({
        horizon: horizonLabel(h),
        horizon_ms: 'ms' in h ? h.ms : null,
        steps: 'steps' in h ? h.steps : null,
        count: total.count,
        labeled: total.labeled,
        metrics: { ...forecastMetricsFromSums(total.sums) },
        series: sortedBuckets(buckets),
      })),
    season,
  };
}
