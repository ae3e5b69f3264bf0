/*
 * What a monitor measures, read from the store as of a time t: every query sees only records
 * with a timestamp before t and actuals that had arrived by t, so the scheduler (t = now) and
 * a replay (t = each step of the past) run the same code.
 */
import { measureDrift } from '../analysis/drift.js';
import type { ModelContext } from '../analysis/model-context.js';
import { measurePerformance } from '../analysis/performance.js';
import { metricsFromConfusion } from '../core/index.js';
import { VigilError } from '../shared/errors.js';
import { int, type Store, str, type RecordWindow as Window, windowWhere } from '../store/index.js';
import { parseDuration } from './duration.js';
import { labelledRowsSql } from './labelled-rows.js';
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

const DAY_MS = 86_400_000;
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
  const positive = str(ctx.model.positiveLabel ?? '1');
  const rows = labelledRowsSql(ctx.store, ctx.project, m.model, currentWindow(m, t, windowMs), t, [
    'pred_score',
    'pred_label',
  ]);
  const [c] = await ctx.store.query<{ tp: number; fp: number; tn: number; fn: number }>(
    `SELECT countIf(y1 AND yhat) AS tp, countIf(NOT y1 AND yhat) AS fp,
            countIf(NOT y1 AND NOT yhat) AS tn, countIf(y1 AND NOT yhat) AS fn
     FROM (SELECT assumeNotNull(y) = ${positive} AS y1,
                  if(isNull(pred_score), ifNull(pred_label, '') = ${positive}, assumeNotNull(pred_score) >= 0.5) AS yhat
           FROM (${rows}) WHERE isNotNull(y) AND (isNotNull(pred_score) OR isNotNull(pred_label)))`,
  );
  const cm = {
    tp: Number(c?.tp ?? 0),
    fp: Number(c?.fp ?? 0),
    tn: Number(c?.tn ?? 0),
    fn: Number(c?.fn ?? 0),
  };
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

async function readDataQuality(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<Reading> {
  const where = windowWhere(ctx.project, m.model, currentWindow(m, t, windowMs));
  const records = ctx.store.table('records');
  if (m.metric === 'missing_share') {
    const [r] = await ctx.store.query<{ missing: number; cells: number }>(
      `SELECT sum(length(null_keys)) AS missing,
              sum(length(null_keys) + length(num_keys) + length(cat_keys)) AS cells
       FROM ${records} WHERE ${where}`,
    );
    const cells = Number(r?.cells ?? 0);
    return { value: cells > 0 ? Number(r?.missing) / cells : null };
  }
  const [accepted] = await ctx.store.query<{ n: number }>(
    `SELECT count() AS n FROM ${records} WHERE ${where}`,
  );
  const [rejected] = await ctx.store.query<{ n: number }>(
    `SELECT count() AS n FROM ${ctx.store.table('rejected')}
     WHERE project = ${str(ctx.project)} AND model = ${str(m.model)} AND kind = 'records'
       AND received >= ${int(t - windowMs)} AND received < ${int(t)}`,
  );
  const total = Number(accepted?.n ?? 0) + Number(rejected?.n ?? 0);
  return { value: total > 0 ? Number(rejected?.n ?? 0) / total : null };
}

async function readVolume(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  const where = windowWhere(ctx.project, m.model, currentWindow(m, t, windowMs));
  const [r] = await ctx.store.query<{ n: number }>(
    `SELECT count() AS n FROM ${ctx.store.table('records')} WHERE ${where}`,
  );
  return { value: Number(r?.n ?? 0) };
}

const QUANTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

async function readLatency(ctx: ReadingContext, m: Monitor, t: number, windowMs: number): Promise<Reading> {
  const where = windowWhere(ctx.project, m.model, currentWindow(m, t, windowMs));
  const agg =
    m.metric === 'mean'
      ? 'avg(assumeNotNull(latency_ms))'
      : `quantileExact(${QUANTILE[m.metric]})(assumeNotNull(latency_ms))`;
  const [r] = await ctx.store.query<{ v: number; n: number }>(
    `SELECT ${agg} AS v, count() AS n FROM ${ctx.store.table('records')} WHERE ${where} AND isNotNull(latency_ms)`,
  );
  return { value: Number(r?.n ?? 0) > 0 ? Number(r?.v) : null };
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
  const where = windowWhere(ctx.project, m.model, currentWindow(m, t, windowMs));
  const [r] = await ctx.store.query<{ n: number; ms: number }>(
    `SELECT count() AS n, sum(ifNull(latency_ms, 0)) AS ms FROM ${ctx.store.table('records')} WHERE ${where}`,
  );
  const n = Number(r?.n ?? 0);
  if (n === 0) return { value: m.metric === 'usd_per_day' ? 0 : null };
  const usd =
    (n / 1000) * (price.usd_per_1k ?? 0) + (Number(r?.ms ?? 0) / 1000) * (price.usd_per_cpu_second ?? 0);
  return { value: m.metric === 'usd_per_day' ? (usd * DAY_MS) / windowMs : (usd / n) * 1000 };
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
