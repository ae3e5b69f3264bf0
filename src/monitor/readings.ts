/*
 * What a monitor measures, read from the store as of a time t: every query sees only records
 * with a timestamp before t and actuals that had arrived by t, so the scheduler (t = now) and
 * a replay (t = each step of the past) run the same code.
 */

import type { ModelContext } from '../analysis/index.js';
import {
  compareVersions,
  measureDrift,
  measureForecastPerformance,
  measurePerformance,
} from '../analysis/index.js';
import { FORECAST_METRICS, metricsFromConfusion } from '../core/index.js';
import { DAY_MS, type Horizon, parseHorizon, VigilError } from '../shared/index.js';
import {
  countRejectedRecords,
  countWindowRecords,
  type LatencyStat,
  type Store,
  selectBinaryConfusion,
  selectLatency,
  selectMissingCells,
  selectServingTime,
  type RecordWindow as Window,
} from '../store/index.js';
import { parseDuration } from './duration.js';
import type { Monitor } from './monitor-spec.js';

/** Contributor is a feature behind a reading (drift) or behind a drop (performance). */
export interface Contributor {
  readonly feature: string;
  readonly value: number;
}

/** Reading is one evaluation's value of a monitor, or null when the window had no data. */
export interface Reading {
  readonly value: number | null;
  /** Standard error of a label-free estimate (widens the breach forecast). */
  readonly se?: number;
  readonly contributors?: readonly Contributor[];
}

export interface ReadingContext {
  readonly store: Store;
  readonly project: string;
  readonly model: ModelContext;
}

const TOP_CONTRIBUTORS = 5;

/** currentWindow is the monitor's evaluation window ending at t. */
export function currentWindow(m: Monitor, t: number, windowMs: number): Window {
  return {
    environment: m.environment,
    version: m.version ?? undefined,
    fromMs: t - windowMs,
    toMs: t,
    segment: m.segment,
  };
}

/** baselineWindow is the reference a drift or estimation compares against, as of t. */
export function baselineWindow(m: Monitor, t: number, windowMs: number): Window {
  const b = m.baseline;
  const version = m.version ?? undefined;
  if (b === 'training' || b === 'validation') return { environment: b, version, toMs: t, segment: m.segment };
  if ('trailing' in b) {
    const trailingMs = parseDuration(b.trailing, 'baseline.trailing');
    return {
      environment: m.environment,
      version,
      fromMs: t - windowMs - trailingMs,
      toMs: t - windowMs,
      segment: m.segment,
    };
  }
  return { environment: m.environment, version, fromMs: b.from, toMs: Math.min(b.to, t), segment: m.segment };
}

/** readDrift measures the drift kinds; the value is a PSI or the share of drifted features. */
async function readDrift(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  const current = currentWindow(m, t, windowMs);
  const report = await measureDrift(ctx.store, {
    project: ctx.project,
    model: m.model,
    baseline: baselineWindow(m, t, windowMs),
    current,
    outputs: m.kind === 'prediction_drift',
  });
  if (report.rows.current === 0 || report.rows.reference === 0) return { value: null };
  const psiOf = (f: { stats: unknown }) => {
    const psi = (f.stats as { psi?: number | null }).psi;
    return typeof psi === 'number' && Number.isFinite(psi) ? psi : null;
  };
  const ranked = report.features
    .map((f) => ({ feature: f.name, value: psiOf(f) }))
    .filter((c): c is Contributor => c.value !== null)
    .sort((a, b) => b.value - a.value);
  const contributors = ranked.slice(0, TOP_CONTRIBUTORS);
  if (m.kind === 'prediction_drift') {
    const p = report.prediction;
    return { value: p ? psiOf(p) : null, contributors };
  }
  if (m.kind === 'dataset_drift') return { value: report.drifted_share, contributors };
  if (m.metric === '*') return { value: ranked[0]?.value ?? null, contributors };
  const one = ranked.find((c) => c.feature === m.metric);
  if (!one && !report.features.some((f) => f.name === m.metric))
    throw new VigilError('unknown_feature', `feature ${JSON.stringify(m.metric)} is not in the window`);
  return { value: one?.value ?? null, contributors };
}

const CONFUSION_METRICS = new Set(['accuracy', 'precision', 'recall', 'f1']);

/** readBinaryConfusion: the confusion-matrix metrics of a binary classifier in one query. */
async function readBinaryConfusion(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  const cm = await selectBinaryConfusion(ctx.store, {
    project: ctx.project,
    model: m.model,
    window: currentWindow(m, t, windowMs),
    asOfMs: t,
    positiveLabel: ctx.model.positiveLabel ?? '1',
  });
  if (cm.tp + cm.fp + cm.tn + cm.fn === 0) return { value: null };
  const v = metricsFromConfusion(cm)[m.metric as 'accuracy' | 'precision' | 'recall' | 'f1'];
  return { value: Number.isFinite(v) ? v : null };
}

/** readPerformance measures a realised metric over the window with the labels known at t. */
async function readPerformance(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  if (ctx.model.task === 'binary' && CONFUSION_METRICS.has(m.metric))
    return readBinaryConfusion(ctx, m, t, windowMs);
  if (ctx.model.task === 'forecast') return readForecast(ctx, m, t, windowMs);
  if (m.forecast_horizon !== undefined)
    throw new VigilError(
      'unknown_metric',
      `forecast_horizon applies to forecast models; ${m.model} is ${ctx.model.task}`,
    );
  const [bucket] = await measurePerformance(ctx.store, {
    project: ctx.project,
    model: m.model,
    task: ctx.model.task,
    positiveLabel: ctx.model.positiveLabel,
    window: currentWindow(m, t, windowMs),
    granularity: 'all',
    labelsAsOfMs: t,
  });
  if (!bucket || bucket.labeled === 0) return { value: null };
  const v = bucket.metrics[m.metric];
  if (v === undefined)
    throw new VigilError('unknown_metric', `${m.metric} is not measured for ${ctx.model.task} models`);
  return { value: v };
}

/**
 * readForecast measures a forecaster over the forecasts whose TARGET time is in the window, with
 * the actuals known at t, at the monitor's forecast_horizon (absent: every horizon pooled).
 */
async function readForecast(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  let horizon: Horizon | undefined;
  if (m.forecast_horizon !== undefined) {
    const h = parseHorizon(m.forecast_horizon, { short: true });
    if (typeof h === 'string') throw new VigilError('invalid_monitor', `forecast_horizon: ${h}`);
    horizon = h;
  }
  const f = await measureForecastPerformance(ctx.store, {
    project: ctx.project,
    model: m.model,
    window: currentWindow(m, t, windowMs),
    granularity: 'all',
    labelsAsOfMs: t,
    horizon,
    config: ctx.model.config,
  });
  const [bucket] = f.series;
  if (!bucket || bucket.labeled === 0) return { value: null };
  const v = bucket.metrics[m.metric];
  if (v === undefined)
    throw new VigilError(
      'unknown_metric',
      `${m.metric} is not measured for forecast models (they report ${FORECAST_METRICS.join(', ')})`,
    );
  return { value: v };
}

async function readDataQuality(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  const window = currentWindow(m, t, windowMs);
  if (m.metric === 'missing_share') {
    const { missing, cells } = await selectMissingCells(ctx.store, ctx.project, m.model, window);
    return { value: cells > 0 ? missing / cells : null };
  }
  const accepted = await countWindowRecords(ctx.store, ctx.project, m.model, window);
  const rejected = await countRejectedRecords(ctx.store, ctx.project, m.model, t - windowMs, t);
  const total = accepted + rejected;
  return { value: total > 0 ? rejected / total : null };
}

async function readVolume(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  return { value: await countWindowRecords(ctx.store, ctx.project, m.model, currentWindow(m, t, windowMs)) };
}

async function readLatency(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  const stat = m.metric as LatencyStat;
  const r = await selectLatency(ctx.store, ctx.project, m.model, currentWindow(m, t, windowMs), stat);
  return { value: r.n > 0 ? r.v : null };
}

/** CostSettings are a model's prices (`PUT /v1/models/{model}` `{"cost": {...}}`). */
export interface CostSettings {
  usd_per_1k?: number;
  usd_per_cpu_second?: number;
}

/** costSettingsOf reads and checks the model's price settings. */
export function costSettingsOf(config: Record<string, unknown>): CostSettings | null {
  const c = config['cost'];
  if (typeof c !== 'object' || c === null) return null;
  const o = c as Record<string, unknown>;
  const out: CostSettings = {};
  if (typeof o['usd_per_1k'] === 'number') out.usd_per_1k = o['usd_per_1k'];
  if (typeof o['usd_per_cpu_second'] === 'number') out.usd_per_cpu_second = o['usd_per_cpu_second'];
  return out.usd_per_1k === undefined && out.usd_per_cpu_second === undefined ? null : out;
}

/**
 * readCost prices the window: predictions × usd_per_1k / 1000 plus compute seconds ×
 * usd_per_cpu_second, where a record's compute time is its latency_ms (Vigil sees the serving
 * time, not the CPU time; for a single-threaded model server the two agree).
 */
async function readCost(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  const price = costSettingsOf(ctx.model.config);
  if (price === null)
    throw new VigilError(
      'no_cost_settings',
      `model ${m.model} has no prices: PUT /v1/models/${m.model} {"cost": {"usd_per_1k": 0.4}} or {"usd_per_cpu_second": …}`,
    );
  const { n, ms } = await selectServingTime(ctx.store, ctx.project, m.model, currentWindow(m, t, windowMs));
  if (n === 0) return { value: m.metric === 'usd_per_day' ? 0 : null };
  const usd = (n / 1000) * (price.usd_per_1k ?? 0) + (ms / 1000) * (price.usd_per_cpu_second ?? 0);
  return { value: m.metric === 'usd_per_day' ? (usd * DAY_MS) / windowMs : (usd / n) * 1000 };
}

/**
 * readComparison compares the monitor's version (the challenger, in its environment) with
 * `compare_to` (the champion) on the window's labelled records, paired by id when they share
 * them (analysis/compare.ts). The value is the p-value of the primary metric's difference when
 * the verdict is the one watched (`better` or `worse`), else 1, so the threshold (p < α by
 * default) breaches exactly when the challenger becomes significantly better, or worse. The
 * alert's contributor names the verdict and the metric, with the difference as its value.
 * Too few labelled records on a side is no reading (null), not an error.
 */
async function readComparison(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  const to = m.compare_to;
  if (!to || m.version === null)
    throw new VigilError('invalid_monitor', 'a comparison monitor needs version and compare_to');
  let r: Awaited<ReturnType<typeof compareVersions>>;
  try {
    r = await compareVersions(ctx.store, ctx.model, {
      project: ctx.project,
      baseline: { model: m.model, version: to.version, environment: to.environment },
      candidate: { model: m.model, version: m.version, environment: m.environment },
      fromMs: t - windowMs,
      toMs: t,
      resamples: 500,
    });
  } catch (e) {
    if (e instanceof VigilError && (e.code === 'not_found' || e.code === 'no_labels')) return { value: null };
    throw e;
  }
  const primary = r.metrics.find((x) => x.metric === r.primary_metric);
  if (!primary || primary.p_value === null) return { value: null };
  return {
    value: r.verdict === m.metric ? primary.p_value : 1,
    contributors: [
      {
        feature: `verdict ${r.verdict} on ${r.primary_metric} (p=${primary.p_value.toPrecision(3)}, ${r.paired ? 'paired' : 'unpaired'}, n=${Math.min(r.n_reference, r.n_candidate)})`,
        value: primary.difference ?? 0,
      },
    ],
  };
}

/**
 * readMetric measures one monitor as of t for every kind but estimated_performance (which
 * reads pre-binned scores once per run: see estimated-series.ts).
 */
export async function readMetric(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  switch (m.kind) {
    case 'drift':
    case 'prediction_drift':
    case 'dataset_drift':
      return readDrift(ctx, m, t, windowMs);
    case 'performance':
      return readPerformance(ctx, m, t, windowMs);
    case 'data_quality':
      return readDataQuality(ctx, m, t, windowMs);
    case 'volume':
      return readVolume(ctx, m, t, windowMs);
    case 'latency':
      return readLatency(ctx, m, t, windowMs);
    case 'cost':
      return readCost(ctx, m, t, windowMs);
    case 'comparison':
      return readComparison(ctx, m, t, windowMs);
    case 'estimated_performance':
      throw new Error('estimated_performance is read through EstimatedSeries');
  }
}

/** featureContributors ranks the features whose drift is largest in the window (for alerts on performance). */
export async function featureContributors(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Contributor[]> {
  const drift = await readDrift(ctx, { ...m, kind: 'drift', metric: '*' }, t, windowMs);
  return [...(drift.contributors ?? [])];
}
