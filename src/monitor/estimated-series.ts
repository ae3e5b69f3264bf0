/*
 * Label-free performance of a binary classifier over time (CBPE, core/estimation): a calibrator
 * fitted on the labelled baseline, and per cadence bucket the histogram of scores, floored to
 * 1e-3 so no bin straddles the 0.5 decision threshold. The histograms of a whole range come
 * from one GROUP BY, so a replay over months reads the store once, not once per step.
 */
import type { ModelContext } from '../analysis/index.js';
import {
  type BinaryEstimate,
  type Calibrator,
  type EstimatedMetric,
  estimateBinary,
  fitCalibrator,
  type ScoreFrequency,
} from '../core/estimation/index.js';
import { VigilError } from '../shared/index.js';
import {
  type Store,
  selectBaselineLabelGroups,
  selectScoreHistograms,
  type RecordWindow as Window,
} from '../store/index.js';

export type EstimatedMetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'auc';

/**
 * BaselineLabels are the baseline's labelled score counts, grouped by the hour their labels
 * became known (rounded up: a label that arrived at 10:30 counts from 11:00), so a replay can
 * fit the calibrator each step knew, not the one known at the end.
 */
interface LabelGroup {
  knownFrom: number;
  score: number;
  pos: number;
  neg: number;
}

export class BaselineLabels {
  readonly #groups: LabelGroup[];
  #fitted: { knownCount: number; calibrator: Calibrator | null; version: number } | null = null;
  #version = 0;

  private constructor(groups: LabelGroup[]) {
    this.#groups = groups.sort((x, y) => x.knownFrom - y.knownFrom);
  }

  /** load reads the baseline's labels known by `untilMs`. */
  static async load(
    store: Store,
    project: string,
    model: string,
    positiveLabel: string,
    baseline: Window,
    untilMs: number,
  ): Promise<BaselineLabels> {
    const rows = await selectBaselineLabelGroups(store, {
      project,
      model,
      window: baseline,
      asOfMs: untilMs,
      positiveLabel,
    });
    return new BaselineLabels(
      rows.map((r) => ({
        knownFrom: Number(r.k),
        score: Number(r.s),
        pos: Number(r.pos),
        neg: Number(r.neg),
      })),
    );
  }

  /** #knownBy counts the groups known at t (they are sorted by knownFrom): a replay asks every step. */
  #knownBy(t: number): number {
    let lo = 0;
    let hi = this.#groups.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#groups[mid]!.knownFrom <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * calibratorAt fits P(y = 1 | score) on the labels known at t (refitted only when more are
   * known); null while there are too few (100, with both classes) to say anything.
   */
  calibratorAt(t: number): { calibrator: Calibrator | null; version: number } {
    const known = this.#knownBy(t);
    if (this.#fitted?.knownCount !== known) {
      const byScore = new Map<number, { score: number; pos: number; neg: number }>();
      for (const g of this.#groups.slice(0, known)) {
        const c = byScore.get(g.score) ?? { score: g.score, pos: 0, neg: 0 };
        c.pos += g.pos;
        c.neg += g.neg;
        byScore.set(g.score, c);
      }
      const counts = [...byScore.values()].sort((x, y) => x.score - y.score);
      const total = counts.reduce((acc, c) => acc + c.pos + c.neg, 0);
      const positives = counts.reduce((acc, c) => acc + c.pos, 0);
      const calibrator = total < 100 || positives === 0 || positives === total ? null : fitCalibrator(counts);
      this.#fitted = { knownCount: known, calibrator, version: ++this.#version };
    }
    return { calibrator: this.#fitted.calibrator, version: this.#fitted.version };
  }
}

/** EstimatedSeries holds per-bucket score histograms of a range and estimates any window of it. */
export class EstimatedSeries {
  readonly #buckets = new Map<number, ScoreFrequency[]>();
  /** Per-bucket estimates, memoised: a replay asks for the same buckets at every step. */
  readonly #bucketEstimates = new Map<string, number | null>();
  readonly #bucketMs: number;
  readonly #labels: BaselineLabels;

  private constructor(labels: BaselineLabels, bucketMs: number) {
    this.#labels = labels;
    this.#bucketMs = bucketMs;
  }

  /** The calibrator known at t, or a clear error while the baseline has too few labels. */
  #calibratorAt(t: number): { calibrator: Calibrator; version: number } {
    const c = this.#labels.calibratorAt(t);
    if (c.calibrator === null)
      throw new VigilError(
        'no_labelled_baseline',
        'the baseline has too few labelled, scored predictions (need 100 with both classes) to calibrate on',
      );
    return { calibrator: c.calibrator, version: c.version };
  }

  /**
   * load reads the score histograms of the current window per bucket of `bucketMs`, and the
   * baseline's labels known by `asOfMs` (each estimate then uses those known at its own time).
   */
  static async load(opts: {
    store: Store;
    project: string;
    model: string;
    context: ModelContext;
    baseline: Window;
    current: Window;
    bucketMs: number;
    asOfMs: number;
  }): Promise<EstimatedSeries> {
    const { store, project, model, context } = opts;
    if (context.task !== 'binary' || context.positiveLabel === undefined)
      throw new VigilError(
        'unsupported_estimate',
        `estimated_performance needs a binary classifier with scores; ${model} is ${context.task}`,
      );
    const labels = await BaselineLabels.load(
      store,
      project,
      model,
      context.positiveLabel,
      opts.baseline,
      opts.asOfMs,
    );
    const series = new EstimatedSeries(labels, opts.bucketMs);
    series.#calibratorAt(opts.asOfMs);
    const rows = await selectScoreHistograms(store, {
      project,
      model,
      window: opts.current,
      bucketMs: opts.bucketMs,
    });
    for (const r of rows) {
      const key = Number(r.b);
      let list = series.#buckets.get(key);
      if (!list) {
        list = [];
        series.#buckets.set(key, list);
      }
      list.push({ score: Number(r.s), count: Number(r.n) });
    }
    return series;
  }

  /** bucketStarts lists the buckets that hold scores, in time order. */
  bucketStarts(): number[] {
    return [...this.#buckets.keys()].sort((a, b) => a - b);
  }

  /**
   * estimate gives the metric over the buckets in [fromMs, toMs), calibrated on the labels known
   * at toMs; null without scores.
   */
  estimate(metric: EstimatedMetricName, fromMs: number, toMs: number): EstimatedMetric | null {
    const e = this.estimateAll(fromMs, toMs)?.[metric];
    return e && Number.isFinite(e.value) ? e : null;
  }

  /** estimateAll gives every metric of the window at once (one calibration pass); null without scores. */
  estimateAll(fromMs: number, toMs: number): BinaryEstimate | null {
    const merged = new Map<number, number>();
    for (let b = Math.floor(fromMs / this.#bucketMs) * this.#bucketMs; b < toMs; b += this.#bucketMs) {
      if (b < fromMs) continue;
      for (const f of this.#buckets.get(b) ?? []) merged.set(f.score, (merged.get(f.score) ?? 0) + f.count);
    }
    if (merged.size === 0) return null;
    const rows = [...merged].map(([score, count]) => ({ score, count })).sort((a, c) => a.score - c.score);
    return estimateBinary(this.#calibratorAt(toMs).calibrator, rows);
  }

  /**
   * bucketSeries gives, for the buckets of [fromMs, toMs), each bucket's estimate (calibrated on
   * the labels known at toMs) and row count: the input of the windowed breach forecast
   * (core/forecast/window.ts).
   */
  bucketSeries(
    metric: EstimatedMetricName,
    fromMs: number,
    toMs: number,
  ): { values: (number | null)[]; weights: number[] } {
    const values: (number | null)[] = [];
    const weights: number[] = [];
    const { calibrator, version } = this.#calibratorAt(toMs);
    for (let b = Math.ceil(fromMs / this.#bucketMs) * this.#bucketMs; b < toMs; b += this.#bucketMs) {
      const rows = this.#buckets.get(b) ?? [];
      const n = rows.reduce((a, r) => a + r.count, 0);
      const key = `${metric}:${version}:${b}`;
      let v = this.#bucketEstimates.get(key);
      if (v === undefined) {
        const x = n > 0 ? estimateBinary(calibrator, rows)[metric].value : Number.NaN;
        v = Number.isFinite(x) ? x : null;
        this.#bucketEstimates.set(key, v);
      }
      values.push(v);
      weights.push(n);
    }
    return { values, weights };
  }
}

const ESTIMATED_METRICS: readonly EstimatedMetricName[] = ['accuracy', 'precision', 'recall', 'f1', 'auc'];

/** BucketEstimate is one time bucket's label-free metrics, with their 95% bands. */
export interface BucketEstimate {
  readonly values: Record<string, number | null>;
  readonly bands: Record<string, { lower: number; upper: number }>;
}

/**
 * estimatedBuckets gives, per bucket of the window, the label-free estimates of a binary
 * classifier calibrated on its training data (the performance endpoint's `estimated`); null
 * when the model is not a scored binary classifier or its training data has too few labels.
 */
export async function estimatedBuckets(opts: {
  store: Store;
  project: string;
  model: string;
  context: ModelContext;
  current: Window;
  bucketMs: number;
  nowMs: number;
}): Promise<{ buckets: Map<number, BucketEstimate> | null; reason: string | null }> {
  if (opts.context.task !== 'binary')
    return { buckets: null, reason: 'label-free estimates are given for binary classifiers only' };
  let series: EstimatedSeries;
  try {
    series = await EstimatedSeries.load({
      ...opts,
      baseline: { environment: 'training', version: opts.current.version },
      asOfMs: opts.nowMs,
    });
  } catch (e) {
    if (e instanceof VigilError) return { buckets: null, reason: e.message };
    throw e;
  }
  const out = new Map<number, BucketEstimate>();
  for (const start of series.bucketStarts()) {
    const values: Record<string, number | null> = {};
    const bands: Record<string, { lower: number; upper: number }> = {};
    let all: ReturnType<EstimatedSeries['estimateAll']>;
    try {
      all = series.estimateAll(start, start + opts.bucketMs);
    } catch (e) {
      // Only the estimate is impossible (e.g. too few labelled baseline rows): say why, and let
      // the realised metrics be answered.
      if (e instanceof VigilError) return { buckets: null, reason: `training baseline: ${e.message}` };
      throw e;
    }
    for (const metric of ESTIMATED_METRICS) {
      const e = all?.[metric];
      const finite = e !== undefined && Number.isFinite(e.value);
      values[metric] = finite ? e.value : null;
      if (finite && Number.isFinite(e.lower) && Number.isFinite(e.upper))
        bands[metric] = { lower: e.lower, upper: e.upper };
    }
    out.set(start, { values, bands });
  }
  return { buckets: out, reason: null };
}
