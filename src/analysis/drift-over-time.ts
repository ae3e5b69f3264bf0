import { type DriftMethodName, driftMethods, type FeatureSummary, measuresOf } from '../core/index.js';
import { TIME_BUCKET_MS } from '../shared/index.js';
import {
  aggregateDriftParts,
  type CategoricalAggregate,
  type DriftAggregates,
  driftBucketKeyCounts,
  driftBucketValueCounts,
  MAX_CATEGORIES,
  type NumericAggregate,
  type Store,
  type RecordWindow as Window,
} from '../store/index.js';
import { summariesOf } from './drift.js';
import { DISCRETE_CANDIDATE_VALUES } from './drift-aggregates.js';

/*
 * Drift over time: the per-feature drift statistic for every time bucket of a range, against one
 * baseline, in a few grouped queries (the heatmap of the dashboard's model page).
 *
 * The baseline is aggregated once (decile edges, category counts). Each bucket's side is counted
 * inside ClickHouse over the baseline's bins — per (bucket, feature, bin) for numeric features,
 * per (bucket, feature, category) for categorical ones — and judged in core/drift by the methods
 * that need nothing but those counts: PSI (the default), JS, KL, Hellinger, chi², z, Cramér's V.
 * A bucket's numbers are therefore the very numbers `GET /drift` gives for that bucket's window
 * with the same method (drift-over-time.int.test.ts checks it): the same bins, the same discrete
 * view (a numeric feature with at most 5 distinct values is compared per value), the same
 * missing-value bin, the same top-1000 categories. The sample-based measures (KS, Wasserstein,
 * Anderson–Darling) need every distinct value of both sides per bucket, so they are left to the
 * one-window route.
 */

export type DriftGranularity = 'hour' | 'day' | 'week';

/** BUCKET_MS: the widths of drift's buckets (shared/time-buckets.ts; weeks start on Mondays). */
export const BUCKET_MS: Record<DriftGranularity, number> = TIME_BUCKET_MS;
/** MAX_DRIFT_BUCKETS bounds one answer (about 83 days of hours). */
export const MAX_DRIFT_BUCKETS = 2000;

/** BINNED_METHODS are the drift methods a bucket's counts are enough for. */
export const BINNED_METHODS = ['psi', 'js', 'kl', 'hellinger', 'chi2', 'z', 'cramers_v'] as const;
export type BinnedMethod = (typeof BINNED_METHODS)[number];
export const isBinnedMethod = (m: string): m is BinnedMethod =>
  (BINNED_METHODS as readonly string[]).includes(m);

/** PSI bands practitioners use: < 0.1 stable, 0.1–0.25 moderate, ≥ 0.25 major shift. */
export type Severity = 'stable' | 'moderate' | 'major' | 'unknown';
export function severityOf(psi: number | null): Severity {
  if (psi === null || !Number.isFinite(psi)) return 'unknown';
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate' : 'major';
}

export interface BucketFeatureDrift {
  name: string;
  type: 'numeric' | 'categorical';
  method: BinnedMethod;
  statistic: number | null;
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  severity: Severity;
  stats: { psi: number | null; js: number | null };
}

export interface DriftBucket {
  /** start/end: the window the bucket covers (the bucket clipped to the requested range). */
  start: string;
  end: string;
  count: number;
  features: BucketFeatureDrift[];
  prediction: BucketFeatureDrift | null;
  drifted_share: number;
  skipped: Array<{ name: string; reason: string }>;
}

export interface DriftOverTime {
  granularity: DriftGranularity;
  method: { numeric: BinnedMethod; categorical: BinnedMethod; threshold: number | null };
  baseline: { records: number };
  buckets: DriftBucket[];
}

export interface DriftOverTimeOptions {
  project: string;
  model: string;
  baseline: Window;
  current: Window;
  granularity: DriftGranularity;
  numericMethod?: BinnedMethod | undefined;
  categoricalMethod?: BinnedMethod | undefined;
  threshold?: number | undefined;
}

/** TooManyBuckets is thrown before the heavy queries when the range holds too many buckets. */
export class TooManyBuckets extends Error {
  readonly buckets: number;
  constructor(buckets: number) {
    super(`${buckets} buckets`);
    this.buckets = buckets;
  }
}

interface BucketCounts {
  rows: number;
  /** per part: name → count, for numeric values ('v'), nulls ('n'), categorical values ('c'). */
  keys: Array<Map<string, number>>;
  bins: Array<Map<string, number[]>>;
  cats: Array<Map<string, Array<[string, number]>>>;
  values: Array<Map<string, Map<number, number>>>;
}

/** measureDriftOverTime computes the drift of every bucket of the current window. */
export async function measureDriftOverTime(store: Store, opts: DriftOverTimeOptions): Promise<DriftOverTime> {
  const numericMethod = opts.numericMethod ?? 'psi';
  const categoricalMethod = opts.categoricalMethod ?? 'psi';
  // The baseline once: its deciles, categories and (for the discrete check) value counts.
  const [baseFeatures, baseOutputs] = await aggregateDriftParts(
    store,
    { kind: 'windows', project: opts.project, model: opts.model, baseline: opts.baseline, outputs: true },
    { exact: false, discreteValues: DISCRETE_CANDIDATE_VALUES },
  );
  const baseline = [baseFeatures, baseOutputs] as DriftAggregates[];
  const current = {
    project: opts.project,
    model: opts.model,
    current: opts.current,
    granularity: opts.granularity,
  };
  const counts = await driftBucketKeyCounts(store, current);
  const buckets = new Map<number, BucketCounts>();
  const bucketOf = (b: number) => {
    let c = buckets.get(b);
    if (!c) {
      c = {
        rows: 0,
        keys: [new Map(), new Map()],
        bins: [new Map(), new Map()],
        cats: [new Map(), new Map()],
        values: [new Map(), new Map()],
      };
      buckets.set(b, c);
    }
    return c;
  };
  for (const r of counts) {
    const c = bucketOf(Number(r.b));
    if (r.k === '') {
      if (Number(r.part) === 0) c.rows = Number(r.n);
    } else c.keys[Number(r.part)]?.set(r.k, Number(r.n));
  }
  if (buckets.size > MAX_DRIFT_BUCKETS) throw new TooManyBuckets(buckets.size);

  const binned = baseline.flatMap((agg, part) =>
    agg.numeric.filter((f) => f.bins).map((f) => ({ part, name: f.name, edges: f.bins?.edges ?? [] })),
  );
  const candidates = baseline.flatMap((agg, part) =>
    agg.numeric
      .filter((f) => f.valueCounts && f.valueCounts.values.length <= DISCRETE_CANDIDATE_VALUES)
      .map((f) => `${part}:${f.name}`),
  );
  const {
    bins: binCounts,
    cats: catCounts,
    values: valueCounts,
  } = await driftBucketValueCounts(store, current, {
    binned,
    candidates,
    discreteValues: DISCRETE_CANDIDATE_VALUES,
  });
  const edgesOf = new Map(binned.map((f) => [`${f.part}:${f.name}`, f.edges.length]));
  for (const r of binCounts) {
    const bins = bucketOf(Number(r.b)).bins[Number(r.part)];
    const size = (edgesOf.get(`${Number(r.part)}:${r.k}`) ?? 0) + 1;
    if (!bins) continue;
    const list = bins.get(r.k) ?? new Array<number>(size).fill(0);
    const i = size === 1 ? 0 : Number(r.bin);
    list[i] = (list[i] ?? 0) + Number(r.c);
    bins.set(r.k, list);
  }
  for (const r of catCounts) {
    const cats = bucketOf(Number(r.b)).cats[Number(r.part)];
    if (!cats) continue;
    const list = cats.get(r.k) ?? [];
    list.push([r.s, Number(r.c)]);
    cats.set(r.k, list);
  }
  for (const r of valueCounts) {
    const values = bucketOf(Number(r.b)).values[Number(r.part)];
    if (!values) continue;
    const m = values.get(r.k) ?? new Map<number, number>();
    m.set(Number(r.v), Number(r.c));
    values.set(r.k, m);
  }

  const fromMs = opts.current.fromMs;
  const toMs = opts.current.toMs;
  const width = BUCKET_MS[opts.granularity];
  const judge = (summary: FeatureSummary, name: string): BucketFeatureDrift => {
    const method = summary.type === 'numeric' ? numericMethod : categoricalMethod;
    const m = measuresOf(summary);
    const result = driftMethods[method as DriftMethodName].evaluate(summary, opts.threshold, m);
    const b = m.binned();
    const psi = Number.isFinite(b.psi) ? b.psi : null;
    return {
      name,
      type: summary.type,
      method,
      statistic: result.statistic,
      p_value: result.p_value,
      threshold: result.threshold,
      drifted: result.drifted,
      severity: severityOf(psi),
      stats: { psi, js: Number.isFinite(b.js) ? b.js : null },
    };
  };
  const out: DriftBucket[] = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, c]) => {
      const [features, outputs] = [0, 1].map((part) =>
        summariesOf(bucketAggregates(baseline[part] as DriftAggregates, c, part)),
      );
      const judged = [...(features?.summaries ?? [])].map(([name, s]) => judge(s, name));
      const predicted = [...(outputs?.summaries ?? [])].map(([name, s]) => judge(s, name));
      const start = Math.max(b, fromMs ?? b);
      const end = Math.min(b + width, toMs ?? b + width);
      return {
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        count: c.rows,
        features: judged,
        prediction:
          ['score', 'value', 'label'].map((n) => predicted.find((p) => p.name === n)).find(Boolean) ?? null,
        drifted_share: judged.length === 0 ? 0 : judged.filter((f) => f.drifted).length / judged.length,
        skipped: features?.skipped ?? [],
      };
    });
  return {
    granularity: opts.granularity,
    method: { numeric: numericMethod, categorical: categoricalMethod, threshold: opts.threshold ?? null },
    baseline: { records: baseFeatures?.rows.ref ?? 0 },
    buckets: out,
  };
}

/**
 * bucketAggregates builds the aggregates `GET /drift` would have for the baseline against one
 * bucket, so summariesOf turns both into FeatureSummaries the same way. The bucket side has
 * counts only (n, bins, categories, values when discrete); its moments are NaN, which no
 * binned method reads.
 */
function bucketAggregates(base: DriftAggregates, c: BucketCounts, part: number): DriftAggregates {
  const keys = c.keys[part] ?? new Map<string, number>();
  const names = (prefix: string) =>
    [...keys.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  const numericNames = new Set([...base.numeric.map((f) => f.name), ...names('v:')]);
  const baseNumeric = new Map(base.numeric.map((f) => [f.name, f]));
  const numeric: NumericAggregate[] = [...numericNames].map((name) => {
    const ref = baseNumeric.get(name);
    const n = keys.get(`v:${name}`) ?? 0;
    const cur =
      n > 0 ? { n, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN, deciles: [] } : null;
    const edges = ref?.bins?.edges ?? [];
    const binCounts = c.bins[part]?.get(name) ?? new Array<number>(edges.length + 1).fill(0);
    return {
      name,
      ref: ref?.ref ?? null,
      cur,
      distinct: 0,
      ksStatistic: null,
      wasserstein: null,
      valueCounts: discreteCounts(ref, c.values[part]?.get(name)),
      bins: ref?.bins ? { edges, ref: ref.bins.ref, cur: binCounts } : null,
    };
  });
  const baseCats = new Map(base.categorical.map((f) => [f.name, f]));
  const catNames = new Set([...baseCats.keys(), ...names('c:')]);
  const categorical: CategoricalAggregate[] = [...catNames].map((name) => {
    const ref = baseCats.get(name);
    const cur = new Map<string, number>();
    let truncated = ref?.truncated ?? false;
    for (const [s, n] of c.cats[part]?.get(name) ?? []) {
      if (cur.size >= MAX_CATEGORIES) truncated = true;
      else cur.set(s, n);
    }
    return {
      name,
      ref: ref?.ref ?? new Map(),
      cur,
      refN: ref?.refN ?? 0,
      curN: keys.get(`c:${name}`) ?? 0,
      truncated,
    };
  });
  return {
    rows: { ref: base.rows.ref, cur: c.rows },
    numeric,
    categorical,
    explicitNull: new Map(),
  };
}

/**
 * discreteCounts gives both sides' value counts over their pooled values when the feature is
 * discrete in this bucket (core compares it per value then), else null (core uses the bins).
 */
function discreteCounts(
  ref: NumericAggregate | undefined,
  cur: Map<number, number> | undefined,
): NumericAggregate['valueCounts'] {
  const vc = ref?.valueCounts;
  if (!vc || !cur || vc.values.length > DISCRETE_CANDIDATE_VALUES || cur.size > DISCRETE_CANDIDATE_VALUES)
    return null;
  const refCounts = new Map(vc.values.map((v, i) => [v, vc.ref[i] ?? 0]));
  const values = [...new Set([...refCounts.keys(), ...cur.keys()])].sort((a, b) => a - b);
  if (values.length > DISCRETE_CANDIDATE_VALUES) return null;
  return {
    values,
    ref: values.map((v) => refCounts.get(v) ?? 0),
    cur: values.map((v) => cur.get(v) ?? 0),
  };
}
