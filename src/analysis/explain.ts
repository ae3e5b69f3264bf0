/*
 * Why did a metric move (GET /v1/models/{model}/explain, and every alert): the change of a metric
 * between a baseline and a current window, decomposed by every tag and every feature (numeric
 * ones in quantile buckets of the baseline) into mix and rate effects (core/explain), ranked
 * across dimensions with simultaneous intervals; plus the features whose drift, weighted by their
 * importance to the model, explains a move of the predictions. Aggregates only: one query lists
 * the features (one the tags), one gives every dimension's segment sums in both windows.
 */
import {
  attributeDrift,
  correlationRatio,
  DEFAULT_ALPHA,
  type DimensionInput,
  explainChange,
  type SegmentContribution,
  type SegmentSums,
  segmentDrift,
} from '../core/explain/index.js';
import { VigilError } from '../shared/index.js';
import {
  type ExplainMetric,
  type ExplainSegmentRow,
  explainFeatures,
  explainSegmentSums,
  type SegmentBy,
  type Store,
  tagKeys,
  type RecordWindow as Window,
} from '../store/index.js';
import type { ModelContext } from './model-context.js';
import type { Task } from './models.js';
import { bucketLabels, FEATURE_PREFIX, SEGMENT_BUCKETS } from './segments-feature.js';

export type { ExplainMetric } from '../store/index.js';

/** EXPLAIN_METRICS: what each task can decompose (every one a mean of a per-unit value, or a count). */
export const EXPLAIN_METRICS: Record<Task, readonly ExplainMetric[]> = {
  binary: [
    'volume',
    'prediction_rate',
    'mean_score',
    'accuracy',
    'precision',
    'recall',
    'estimated_accuracy',
  ],
  multiclass: ['volume', 'accuracy'],
  regression: ['volume', 'mean_prediction', 'mae', 'mse', 'bias'],
  ranking: ['volume'],
  // A forecaster's actuals join by series and target time, not by record id: only label-free metrics.
  forecast: ['volume', 'mean_prediction'],
};

/** EXPLAIN_LIMITS: how many tags and features are dimensions, and segments per dimension. */
export const EXPLAIN_LIMITS = { tags: 20, features: 30, segments: 200, top: 20 } as const;

export interface ExplainOptions {
  project: string;
  model: string;
  metric: ExplainMetric;
  baseline: Window;
  current: Window;
  buckets?: number | undefined;
  alpha?: number | undefined;
  threshold?: number | undefined;
  labelsAsOfMs?: number | undefined;
  /** Only these dimensions (tag names, or feature:NAME); default every tag and feature. */
  dimensions?: readonly string[] | undefined;
  /** Skip drift attribution (alerts on volume do not need it). */
  attribution?: boolean | undefined;
}

export interface ExplainSegment {
  segment: string;
  contribution: number;
  /** Contribution over the change (> 0: moved the metric the way it moved). */
  share_of_change: number | null;
  mix: number;
  rate: number;
  low: number;
  high: number;
  significant: boolean;
  share: { baseline: number; current: number };
  value: { baseline: number | null; current: number | null };
  n: { baseline: number; current: number };
}

export type ExplainContributor = ExplainSegment & { dimension: string };

export interface ExplainDimension {
  dimension: string;
  score: number;
  explained_share: number;
  cramers_v: number | null;
  segments: ExplainSegment[];
}

export interface ExplainFeatureAttribution {
  feature: string;
  /** PSI between the feature's segment counts in the two windows. */
  drift: number;
  /** Normalised importance (sum 1 over the features). */
  importance: number;
  importance_source: 'declared' | 'estimated';
  score: number;
  share: number;
}

export interface ExplainReport {
  metric: ExplainMetric;
  kind: 'rate' | 'volume';
  before: number | null;
  after: number | null;
  change: number | null;
  alpha: number;
  z: number | null;
  /** The strongest segments across every dimension (at most EXPLAIN_LIMITS.top). */
  contributors: ExplainContributor[];
  dimensions: ExplainDimension[];
  features: ExplainFeatureAttribution[];
  skipped: Array<{ dimension: string; reason: string }>;
}

interface Dimension {
  name: string;
  by: SegmentBy;
  feature?: string;
}

/** checkExplainMetric refuses a metric the model's task cannot decompose, naming the allowed ones. */
export function checkExplainMetric(task: Task, metric: string): ExplainMetric {
  const allowed = EXPLAIN_METRICS[task];
  if (!(allowed as readonly string[]).includes(metric))
    throw new VigilError(
      'invalid_request',
      `metric: ${JSON.stringify(metric.slice(0, 64))} cannot be explained for a ${task} model; allowed: ${allowed.join(', ')}`,
      { field: 'metric' },
    );
  return metric as ExplainMetric;
}

/** dimensionsOf lists the model's tags and the baseline's features (type and buckets of each). */
async function dimensionsOf(store: Store, opts: ExplainOptions, buckets: number): Promise<Dimension[]> {
  const [tags, features] = await Promise.all([
    tagKeys(store, opts.project, opts.model, EXPLAIN_LIMITS.tags),
    explainFeatures(store, {
      project: opts.project,
      model: opts.model,
      window: opts.baseline,
      buckets,
      limit: EXPLAIN_LIMITS.features,
    }),
  ]);
  const out: Dimension[] = tags.map((tag) => ({ name: tag, by: { tag } }));
  for (const f of features) {
    const name = `${FEATURE_PREFIX}${f.k}`;
    if (Number(f.n_cat) > Number(f.n_num)) {
      out.push({ name, feature: f.k, by: { feature: f.k, type: 'categorical' } });
      continue;
    }
    const edges = [...new Set((f.e ?? []).map(Number))].filter(Number.isFinite).sort((a, b) => a - b);
    out.push({
      name,
      feature: f.k,
      by: { feature: f.k, type: 'numeric', edges, labels: bucketLabels(edges) },
    });
  }
  const wanted = opts.dimensions;
  if (!wanted) return out;
  const known = new Set(out.map((d) => d.name));
  const unknown = wanted.find((d) => !known.has(d));
  if (unknown !== undefined)
    throw new VigilError(
      'invalid_request',
      `by: ${JSON.stringify(unknown.slice(0, 128))} is not a tag of the model nor a feature of the baseline (feature:NAME); dimensions are ${[...known].slice(0, 40).join(', ')}`,
      { field: 'by' },
    );
  return out.filter((d) => wanted.includes(d.name));
}

const sumsOf = (rows: readonly ExplainSegmentRow[], volume: boolean): SegmentSums[] => {
  const by = new Map<string, { baseline: SegmentSums['baseline']; current: SegmentSums['current'] }>();
  const empty = { n: 0, sum: 0, sumSq: 0 };
  for (const r of rows) {
    const e = by.get(r.v) ?? { baseline: empty, current: empty };
    const w = volume
      ? { n: Number(r.c), sum: Number(r.c), sumSq: Number(r.c) }
      : { n: Number(r.n), sum: Number(r.s), sumSq: Number(r.q) };
    if (Number(r.w) === 0) e.baseline = w;
    else e.current = w;
    by.set(r.v, e);
  }
  return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([segment, e]) => ({ segment, ...e }));
};

const segmentJson = (s: SegmentContribution, change: number): ExplainSegment => ({
  segment: s.segment,
  contribution: s.contribution,
  share_of_change: change !== 0 ? s.contribution / change : null,
  mix: s.mix,
  rate: s.rate,
  low: s.low,
  high: s.high,
  significant: s.low > 0 || s.high < 0,
  share: { baseline: s.share.baseline, current: s.share.current },
  value: { baseline: s.value.baseline, current: s.value.current },
  n: { baseline: s.n.baseline, current: s.n.current },
});

/** declaredImportance reads `feature_importance: {name: weight}` from the model's config. */
function declaredImportance(config: Record<string, unknown>): Map<string, number> | null {
  const raw = config['feature_importance'];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(raw))
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out.set(k, v);
  return out.size > 0 ? out : null;
}

/** explainMetric decomposes the metric's change over every dimension and attributes feature drift. */
export async function explainMetric(
  store: Store,
  ctx: ModelContext,
  opts: ExplainOptions,
): Promise<ExplainReport> {
  const metric = checkExplainMetric(ctx.task, opts.metric);
  const buckets = opts.buckets ?? SEGMENT_BUCKETS.default;
  const dims = await dimensionsOf(store, opts, buckets);
  const volume = metric === 'volume';
  const skipped: ExplainReport['skipped'] = [];
  const all =
    dims.length === 0
      ? []
      : await explainSegmentSums(store, {
          project: opts.project,
          model: opts.model,
          task: ctx.task === 'forecast' ? 'regression' : ctx.task,
          metric,
          by: dims.map((d) => d.by),
          baseline: opts.baseline,
          current: opts.current,
          positiveLabel: ctx.positiveLabel,
          threshold: opts.threshold,
          labelsAsOfMs: opts.labelsAsOfMs,
          limit: 2 * EXPLAIN_LIMITS.segments + 1,
        });
  const rows = dims.map(() => [] as ExplainSegmentRow[]);
  for (const r of all) rows[Number(r.d)]?.push(r);
  const inputs: DimensionInput[] = [];
  const kept: Array<{ dim: Dimension; rows: ExplainSegmentRow[] }> = [];
  dims.forEach((d, i) => {
    const r = rows[i] ?? [];
    if (r.length > 2 * EXPLAIN_LIMITS.segments) {
      skipped.push({ dimension: d.name, reason: `more than ${EXPLAIN_LIMITS.segments} values` });
      return;
    }
    inputs.push({ dimension: d.name, segments: sumsOf(r, volume) });
    kept.push({ dim: d, rows: r });
  });
  // Volume over windows of different lengths compares counts per unit of time.
  const len = (w: Window) => (w.fromMs !== undefined && w.toMs !== undefined ? w.toMs - w.fromMs : null);
  const lb = len(opts.baseline);
  const lc = len(opts.current);
  const baselineScale = volume && lb !== null && lc !== null && lb > 0 ? lc / lb : 1;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const e =
    inputs.length > 0 ? explainChange(volume ? 'volume' : 'rate', inputs, { alpha, baselineScale }) : null;
  const features = opts.attribution === false ? [] : attribution(kept, ctx);
  if (e === null)
    return {
      metric,
      kind: volume ? 'volume' : 'rate',
      before: null,
      after: null,
      change: null,
      alpha,
      z: null,
      contributors: [],
      dimensions: [],
      features,
      skipped,
    };
  return {
    metric,
    kind: e.kind,
    before: e.before,
    after: e.after,
    change: e.change,
    alpha: e.alpha,
    z: e.z,
    contributors: e.ranked
      .slice(0, EXPLAIN_LIMITS.top)
      .map((r) => ({ dimension: r.dimension, ...segmentJson(r, e.change) })),
    dimensions: e.dimensions.map((d) => ({
      dimension: d.dimension,
      score: d.score,
      explained_share: d.explainedShare,
      cramers_v: d.cramersV,
      segments: d.segments.map((s) => segmentJson(s, e.change)),
    })),
    features,
    skipped,
  };
}

/**
 * attribution ranks the features by drift (PSI of their segment counts) weighted by importance:
 * declared in the model's config (`feature_importance`), else the correlation ratio of the
 * model's score over the feature's segments in the baseline.
 */
function attribution(
  kept: ReadonlyArray<{ dim: Dimension; rows: ExplainSegmentRow[] }>,
  ctx: ModelContext,
): ExplainFeatureAttribution[] {
  const declared = declaredImportance(ctx.config);
  const feats = kept.filter((k) => k.dim.feature !== undefined);
  const input = feats.map(({ dim, rows }) => {
    const segs = [...new Set(rows.map((r) => r.v))].sort();
    const count = (w: number, v: string) => Number(rows.find((r) => Number(r.w) === w && r.v === v)?.c ?? 0);
    const drift = segmentDrift(
      segs.map((v) => count(0, v)),
      segs.map((v) => count(1, v)),
    );
    const base = rows
      .filter((r) => Number(r.w) === 0)
      .map((r) => ({ n: Number(r.pn), sum: Number(r.ps), sumSq: Number(r.pq) }));
    const name = dim.feature as string;
    const importance = declared ? (declared.get(name) ?? 0) : correlationRatio(base);
    return { feature: name, drift, importance };
  });
  return attributeDrift(input).map((a) => ({
    feature: a.feature,
    drift: a.drift,
    importance: a.importance,
    importance_source: declared ? 'declared' : 'estimated',
    score: a.score,
    share: a.share,
  }));
}
