import {
  type AdaptiveThreshold,
  type DriftEvaluation,
  type DriftOptions,
  evaluateDrift,
  type FeatureDrift,
  type FeatureOverride,
  type FeatureSummary,
  learnAdaptiveThreshold,
} from '../core/index.js';
import { baselineChunkBounds, type Store, type RecordWindow as Window } from '../store/index.js';
import { aggregateDriftParts, type DriftAggregates } from './drift-aggregates.js';

/**
 * Distribution is what a chart of one feature needs: shares per bin (numeric: the reference
 * deciles' bins, labelled by their edges) or per category (the 20 most frequent).
 */
export interface Distribution {
  name: string;
  type: 'numeric' | 'categorical';
  labels: string[];
  reference: number[];
  current: number[];
}

/** ThresholdMode: the methods' fixed thresholds, or thresholds learned from baseline chunks. */
export type ThresholdMode = 'fixed' | 'adaptive';
/** Baseline chunks of the adaptive mode: default, and the bounds a caller may ask for. */
export const ADAPTIVE_CHUNKS = { default: 10, min: 5, max: 50 } as const;

/** AdaptiveFeature is what a feature's learned threshold was learned from. */
export interface AdaptiveFeature {
  chunks: number;
  mean: number;
  std: number;
  rule: AdaptiveThreshold['rule'];
}

/**
 * ModeFeatureDrift is a feature's drift with how its threshold was set (measureDrift always says;
 * optional so that other producers of the drift shape, the offline report, need not).
 */
export type ModeFeatureDrift = FeatureDrift & {
  threshold_mode?: ThresholdMode;
  /** adaptive: the chunk statistics' summary (adaptive mode), or why it fell back to fixed. */
  adaptive?: AdaptiveFeature | { fallback: string };
};

export interface DriftReport extends Omit<DriftEvaluation, 'features'> {
  features: readonly ModeFeatureDrift[];
  threshold_mode?: ThresholdMode;
  distributions: Distribution[];
  prediction: FeatureDrift | null;
  prediction_outputs: readonly FeatureDrift[];
  /** skipped lists features that cannot be compared, with the reason (absent on one side). */
  skipped: Array<{ name: string; reason: string }>;
  rows: { reference: number; current: number };
}

/**
 * summariesOf turns ClickHouse's aggregates into the drift layer's FeatureSummary per feature.
 * A feature seen both as numbers and as strings is judged as the kind most of its values
 * have (the mix itself is a data-quality finding); one missing from a side is skipped.
 */
export function summariesOf(agg: DriftAggregates): {
  summaries: Map<string, FeatureSummary>;
  skipped: Array<{ name: string; reason: string }>;
} {
  const summaries = new Map<string, FeatureSummary>();
  const skipped: Array<{ name: string; reason: string }> = [];
  const categorical = new Map(agg.categorical.map((c) => [c.name, c]));
  const names = new Set([...agg.numeric.map((f) => f.name), ...categorical.keys()]);
  for (const name of [...names].sort()) {
    const num = agg.numeric.find((f) => f.name === name);
    const cat = categorical.get(name);
    const numN = (num?.ref?.n ?? 0) + (num?.cur?.n ?? 0);
    const catN = (cat?.refN ?? 0) + (cat?.curN ?? 0);
    if (num && numN >= catN) {
      if (!num.ref || !num.cur || num.ref.n === 0 || num.cur.n === 0 || !num.bins) {
        skipped.push({
          name,
          reason: num.ref?.n ? 'absent from the current window' : 'absent from the baseline',
        });
        continue;
      }
      // The parts come from separate queries; rows inserted between them (ingestion never
      // pauses) can leave a side's bins a few rows off its count. The bins then decide n, and
      // value counts that disagree are dropped (KS falls back to the statistic from the store).
      const side = (
        s: NonNullable<typeof num.ref>,
        bins: ArrayLike<number>,
        counts: number[] | undefined,
        rows: number,
      ) => {
        const n = sum(bins);
        const exact = counts !== undefined && sum(counts) === n;
        return {
          n,
          missing: Math.max(0, rows - n),
          mean: s.mean,
          std: s.std,
          min: s.min,
          max: s.max,
          ...(num.valueCounts && exact ? { valueCounts: { values: num.valueCounts.values, counts } } : {}),
        };
      };
      summaries.set(name, {
        type: 'numeric',
        reference: side(num.ref, num.bins.ref, num.valueCounts?.ref, agg.rows.ref),
        current: side(num.cur, num.bins.cur, num.valueCounts?.cur, agg.rows.cur),
        bins: { edges: num.bins.edges, reference: num.bins.ref, current: num.bins.cur },
        ...(num.ksStatistic === null ? {} : { ksStatistic: num.ksStatistic }),
        ...(num.wasserstein === null ? {} : { wasserstein: num.wasserstein }),
      });
    } else if (cat) {
      if (cat.refN === 0 || cat.curN === 0) {
        skipped.push({
          name,
          reason: cat.refN ? 'absent from the current window' : 'absent from the baseline',
        });
        continue;
      }
      // Counts cover the most frequent categories; the rest (when truncated) join "(other)".
      const withOther = (m: Map<string, number>, n: number) => {
        const out = new Map(m);
        const listed = [...m.values()].reduce((a, b) => a + b, 0);
        if (n > listed) out.set('(other)', n - listed);
        return out;
      };
      summaries.set(name, {
        type: 'categorical',
        reference: { counts: withOther(cat.ref, cat.refN), missing: Math.max(0, agg.rows.ref - cat.refN) },
        current: { counts: withOther(cat.cur, cat.curN), missing: Math.max(0, agg.rows.cur - cat.curN) },
      });
    }
  }
  return { summaries, skipped };
}

/**
 * measureDrift compares a current window with a baseline for every feature and for the
 * model's outputs: aggregation in ClickHouse, the verdict in core/drift.
 */
export async function measureDrift(
  store: Store,
  opts: {
    project: string;
    model: string;
    baseline: Window;
    current: Window;
    drift?: DriftOptions;
    /** outputs: false skips prediction drift (a caller that knows there are no predictions). */
    outputs?: boolean;
    /** thresholdMode 'adaptive' learns each feature's threshold from baseline chunks (adaptiveFeatures). */
    thresholdMode?: ThresholdMode;
    /** chunks: how many chunks the baseline is cut into in adaptive mode. */
    chunks?: number;
  },
): Promise<DriftReport> {
  const outputs = opts.outputs !== false;
  const [features, outputAgg] = await aggregateDriftParts(store, {
    kind: 'windows',
    project: opts.project,
    model: opts.model,
    baseline: opts.baseline,
    current: opts.current,
    outputs,
  });
  if (!features) throw new Error('drift aggregation returned no parts');
  const mode = opts.thresholdMode ?? 'fixed';
  const learned =
    mode === 'adaptive'
      ? await adaptiveFeatures(
          store,
          opts,
          evaluateDrift(summariesOf(features).summaries, opts.drift),
          opts.chunks ?? ADAPTIVE_CHUNKS.default,
        )
      : new Map<string, AdaptiveThreshold | string>();
  return driftReportOf(features, outputAgg, { drift: opts.drift, mode, learned });
}

/**
 * driftReportOf turns the aggregates of the features and of the model's outputs into the drift
 * report: summaries, verdicts (with learned thresholds in adaptive mode), distributions and the
 * prediction's drift. Stored records and files (the offline report) both end here.
 */
export function driftReportOf(
  features: DriftAggregates,
  outputAgg: DriftAggregates | undefined,
  opts: {
    drift?: DriftOptions | undefined;
    mode?: ThresholdMode;
    learned?: ReadonlyMap<string, AdaptiveThreshold | string>;
  } = {},
): DriftReport {
  const o = summariesOf(
    outputAgg ?? { rows: features.rows, numeric: [], categorical: [], explicitNull: new Map() },
  );
  const f = summariesOf(features);
  const mode = opts.mode ?? 'fixed';
  const learned = opts.learned ?? new Map<string, AdaptiveThreshold | string>();
  const overrides: Record<string, FeatureOverride> = { ...opts.drift?.features };
  for (const [name, a] of learned)
    if (typeof a !== 'string') overrides[name] = { ...overrides[name], method: a.method, adaptive: a };
  const evaluation = evaluateDrift(f.summaries, { ...opts.drift, features: overrides });
  const predicted = evaluateDrift(o.summaries, {}).features;
  const primary =
    ['score', 'value', 'label'].map((n) => predicted.find((p) => p.name === n)).find(Boolean) ?? null;
  return {
    ...evaluation,
    threshold_mode: mode,
    features: evaluation.features.map((d): ModeFeatureDrift => {
      const a = learned.get(d.name);
      if (a === undefined) return { ...d, threshold_mode: 'fixed' };
      if (typeof a === 'string') return { ...d, threshold_mode: 'fixed', adaptive: { fallback: a } };
      return {
        ...d,
        threshold_mode: 'adaptive',
        adaptive: { chunks: a.chunks, mean: a.mean, std: a.std, rule: a.rule },
      };
    }),
    distributions: [...f.summaries].map(([name, summary]) => distributionOf(name, summary)),
    prediction: primary,
    prediction_outputs: predicted,
    skipped: f.skipped,
    rows: { reference: features.rows.ref, current: features.rows.cur },
  };
}

/**
 * adaptiveFeatures learns each feature's threshold NannyML-style (core/drift/adaptive-threshold.ts):
 * the baseline is cut by time into `chunks` chunks of about equal size (its timestamps'
 * quantiles), each chunk is compared with the whole baseline by the method the feature's
 * current comparison uses, and the threshold is the chunk statistics' mean + 3 sd. All chunk
 * comparisons come from one scan of the baseline: each record joins every chunk's part as the
 * reference (side 0) and its own chunk's part as the current side (1), so the aggregation handles
 * (chunks + 1) × the baseline's rows. Returns, per feature, the threshold, or why there is none
 * (fewer than 5 chunks held the feature): that feature keeps its fixed threshold.
 */
async function adaptiveFeatures(
  store: Store,
  opts: { project: string; model: string; baseline: Window; drift?: DriftOptions | undefined },
  fixed: DriftEvaluation,
  chunks: number,
): Promise<Map<string, AdaptiveThreshold | string>> {
  if (fixed.features.length === 0) return new Map();
  const bounds = await baselineChunkBounds(store, { ...opts, chunks });
  // chunk c holds bounds[c − 1] ≤ ts < bounds[c]; equal bounds (many records at one instant) leave
  // a chunk empty, and an empty chunk gives no statistic.
  const aggs = await aggregateDriftParts(store, {
    kind: 'baselineChunks',
    project: opts.project,
    model: opts.model,
    baseline: opts.baseline,
    chunks,
    bounds,
  });
  const perChunk = aggs.map((a) => summariesOf(a).summaries);
  const out = new Map<string, AdaptiveThreshold | string>();
  for (const feature of fixed.features) {
    const comparisons = perChunk
      .map((s) => s.get(feature.name))
      .filter((s): s is FeatureSummary => s !== undefined && s.type === feature.type);
    try {
      out.set(feature.name, learnAdaptiveThreshold(feature.method, comparisons, opts.drift ?? {}));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      out.set(feature.name, `${e.message}: the fixed threshold applies`);
    }
  }
  return out;
}

function sum(xs: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += xs[i]!;
  return total;
}

const share = (xs: ArrayLike<number>) => {
  const total = Array.from(xs).reduce((a, b) => a + b, 0);
  return Array.from(xs, (x) => (total > 0 ? x / total : 0));
};
const fmt = (x: number) =>
  Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0)
    ? x.toPrecision(3)
    : String(Math.round(x * 100) / 100);

/** distributionOf turns a feature summary into chartable shares. */
export function distributionOf(name: string, s: FeatureSummary): Distribution {
  if (s.type === 'numeric') {
    const edges = Array.from(s.bins.edges);
    const labels = Array.from({ length: edges.length + 1 }, (_, i) =>
      i === 0
        ? `< ${fmt(edges[0] ?? 0)}`
        : i === edges.length
          ? `≥ ${fmt(edges[i - 1] ?? 0)}`
          : `${fmt(edges[i - 1] ?? 0)}–${fmt(edges[i] ?? 0)}`,
    );
    return {
      name,
      type: 'numeric',
      labels,
      reference: share(s.bins.reference),
      current: share(s.bins.current),
    };
  }
  const ref =
    s.reference.counts instanceof Map ? s.reference.counts : new Map(Object.entries(s.reference.counts));
  const cur = s.current.counts instanceof Map ? s.current.counts : new Map(Object.entries(s.current.counts));
  const all = new Map<string, number>();
  for (const [k, v] of [...ref, ...cur]) all.set(k, (all.get(k) ?? 0) + v);
  const labels = [...all]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([k]) => k);
  const refTotal = [...ref.values()].reduce((a, b) => a + b, 0);
  const curTotal = [...cur.values()].reduce((a, b) => a + b, 0);
  return {
    name,
    type: 'categorical',
    labels,
    reference: labels.map((l) => (refTotal ? (ref.get(l) ?? 0) / refTotal : 0)),
    current: labels.map((l) => (curTotal ? (cur.get(l) ?? 0) / curTotal : 0)),
  };
}
