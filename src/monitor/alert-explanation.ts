/*
 * Why an alert opened: when a monitor's episode opens, the change of its metric (or of the
 * model's predictions, for drift) between its baseline and its window is decomposed by every tag
 * and feature (analysis/explain.ts), and the top contributors are stored with the alert and sent
 * with its notifications.
 */
import { type ExplainMetric, explainMetric, type Window } from '../analysis/index.js';
import type { Monitor } from './monitor-spec.js';
import { baselineWindow, currentWindow, type ReadingContext } from './readings.js';

/** TOP_EXPLAINED: contributors an alert carries. */
export const TOP_EXPLAINED = 3;

export interface AlertContributor {
  dimension: string;
  segment: string;
  contribution: number;
  share_of_change: number | null;
  mix: number;
  rate: number;
  low: number;
  high: number;
}

export interface AlertExplanation {
  /** The metric decomposed (GET /v1/models/{model}/explain?metric=…). */
  metric: ExplainMetric;
  baseline: { environment: string; from: string | null; to: string | null };
  current: { environment: string; from: string | null; to: string | null };
  before: number | null;
  after: number | null;
  change: number | null;
  top: AlertContributor[];
  /** Features whose drift, weighted by importance to the model, explains the predictions' move. */
  features: Array<{ feature: string; drift: number; importance: number; share: number }>;
}

/** explainedMetricOf: what an alert of `m` decomposes for a model of `task`, or null (latency, quality). */
export function explainedMetricOf(m: Pick<Monitor, 'kind' | 'metric'>, task: string): ExplainMetric | null {
  const score = task === 'binary' ? 'mean_score' : task === 'regression' ? 'mean_prediction' : null;
  switch (m.kind) {
    case 'volume':
    case 'cost':
      return 'volume';
    case 'performance':
      if (task === 'binary' && ['accuracy', 'precision', 'recall'].includes(m.metric))
        return m.metric as ExplainMetric;
      if (task === 'multiclass' && m.metric === 'accuracy') return 'accuracy';
      if (task === 'regression') return m.metric === 'mae' ? 'mae' : m.metric === 'bias' ? 'bias' : 'mse';
      return null;
    case 'estimated_performance':
      return task === 'binary' ? 'estimated_accuracy' : score;
    case 'prediction_drift':
    case 'drift':
    case 'dataset_drift':
      return score;
    default:
      return null;
  }
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const windowJson = (w: Window) => ({ environment: w.environment, from: iso(w.fromMs), to: iso(w.toMs) });

/**
 * explainAlert decomposes the monitor's metric as of t: volume and cost against the window before
 * (same length), the others against the monitor's baseline. Null when there is nothing to say.
 */
export async function explainAlert(
  ctx: ReadingContext,
  m: Monitor,
  t: number,
  windowMs: number,
): Promise<AlertExplanation | null> {
  const metric = explainedMetricOf(m, ctx.model.task);
  if (metric === null) return null;
  const current = currentWindow(m, t, windowMs);
  const baseline =
    metric === 'volume'
      ? { ...current, fromMs: t - 2 * windowMs, toMs: t - windowMs }
      : baselineWindow(m, t, windowMs);
  const r = await explainMetric(ctx.store, ctx.model, {
    project: ctx.project,
    model: m.model,
    metric,
    baseline,
    current,
    labelsAsOfMs: t,
    attribution: metric !== 'volume',
  });
  if (r.change === null) return null;
  return {
    metric,
    baseline: windowJson(baseline),
    current: windowJson(current),
    before: r.before,
    after: r.after,
    change: r.change,
    top: r.contributors.slice(0, TOP_EXPLAINED).map((c) => ({
      dimension: c.dimension,
      segment: c.segment,
      contribution: c.contribution,
      share_of_change: c.share_of_change,
      mix: c.mix,
      rate: c.rate,
      low: c.low,
      high: c.high,
    })),
    features: r.features
      .slice(0, TOP_EXPLAINED)
      .map((f) => ({ feature: f.feature, drift: f.drift, importance: f.importance, share: f.share })),
  };
}

/** explanationLines: the top contributors in words, for Slack and logs. */
export function explanationLines(e: AlertExplanation): string[] {
  const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString());
  const lines = e.top.map((c) => {
    const share =
      c.share_of_change === null ? '' : ` (${Math.round(c.share_of_change * 100)}% of the change)`;
    return `${c.dimension}=${c.segment}: ${c.contribution >= 0 ? '+' : ''}${fmt(c.contribution)}${share}; mix ${fmt(c.mix)}, rate ${fmt(c.rate)}`;
  });
  if (e.features.length > 0)
    lines.push(`features: ${e.features.map((f) => `${f.feature} ${Math.round(f.share * 100)}%`).join(', ')}`);
  return lines;
}
