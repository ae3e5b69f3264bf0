/*
 * One monitor, evaluated step by step: read the value as of t, decide the threshold (static or
 * learned), forecast the breach outlook, and fold the result into the alert lifecycle. The
 * scheduler runs one step per cadence at t = now; a replay runs every step of a past range.
 */
import { type ModelContext, modelContext } from '../analysis/index.js';
import { type BreachThreshold, breachForecast, type HoltParams } from '../core/forecast/index.js';
import { detect } from '../core/timeseries/index.js';
import { errorMessage } from '../shared/index.js';
import type { Entities, Store } from '../store/index.js';
import { type AlertExplanation, explainAlert } from './alert-explanation.js';
import {
  type AlertEvent,
  type AlertPolicy,
  type BreachOutlook,
  evaluate,
  INITIAL_STATE,
  type MonitorState,
} from './alert-state.js';
import { type EstimatedMetricName, EstimatedSeries } from './estimated-series.js';
import { durationsOf, type Monitor } from './monitor-spec.js';
import {
  baselineWindow,
  type Contributor,
  currentWindow,
  featureContributors,
  type Reading,
  readMetric,
} from './readings.js';

/** RuntimeState is what a monitor remembers between evaluations (stored as JSON). */
export interface RuntimeState {
  readonly lifecycle: MonitorState;
  /** Recent [time, value] readings: the history auto thresholds and forecasts learn from. */
  readonly history: ReadonlyArray<readonly [number, number]>;
  /** Forecast parameters, refitted every REFIT_EVERY evaluations. */
  readonly params: HoltParams | null;
  readonly evaluations: number;
}

export const INITIAL_RUNTIME: RuntimeState = {
  lifecycle: INITIAL_STATE,
  history: [],
  params: null,
  evaluations: 0,
};

/** StepResult is one evaluation: the new state, the events and what was read. */
export interface StepResult {
  readonly runtime: RuntimeState;
  readonly events: readonly AlertEvent[];
  readonly value: number | null;
  readonly threshold: BreachThreshold | null;
  readonly contributors: readonly Contributor[];
  /** Why it moved: the top segments and features, computed when an episode opens. */
  readonly explanation: AlertExplanation | null;
}

/**
 * NO_THRESHOLD stands in where an event needs a threshold and none is known: a learned one before
 * it is learned, or an alert stored without one. NaN compares false, so it never breaches.
 */
export const NO_THRESHOLD: BreachThreshold = { op: '>', value: Number.NaN };

/** eventThreshold is the threshold events of `m` carry when no reading decided it (errors). */
export function eventThreshold(m: Monitor): BreachThreshold {
  return 'auto' in m.threshold ? NO_THRESHOLD : m.threshold;
}

const MAX_HISTORY = 400;
const HISTORY_MS = 14 * 86_400_000;
const REFIT_EVERY = 24;
const MIN_AUTO_POINTS = 24;
/** A forecast from the monitor's own readings needs this many of them first. */
const MIN_FORECAST_POINTS = 24;

/**
 * Kinds whose breach is forecast. Performance, drift, quality and cost move with the data and
 * trend toward a breach; latency and volume jump, and a trend fitted across a spike warns of
 * nothing real, so they alert on the value alone.
 */
const FORECAST_KINDS = new Set<Monitor['kind']>([
  'performance',
  'estimated_performance',
  'drift',
  'prediction_drift',
  'dataset_drift',
  'data_quality',
  'cost',
]);

/** Metrics where a larger value is the better one (a breach is a drop). */
const HIGHER_IS_BETTER = new Set([
  'accuracy',
  'precision',
  'recall',
  'f1',
  'auc',
  'r2',
  'ndcg@10',
  'map@10',
  'mrr',
  'coverage',
]);

/**
 * Lifecycle defaults per kind. Performance monitors use the tuning of the early-warning bench
 * (bench/early-warning): warn when P(breach within the horizon) ≥ 0.3 twice running, alert after
 * 3 breaching evaluations, resolve after 6 clean ones 0.01 inside the threshold.
 */
function policyOf(m: Monitor, threshold: BreachThreshold): AlertPolicy {
  const performance = m.kind === 'performance' || m.kind === 'estimated_performance';
  const p = m.policy;
  return {
    threshold,
    hysteresis: p.hysteresis ?? (performance && HIGHER_IS_BETTER.has(m.metric) ? 0.01 : 0),
    alertAfter: p.alert_after ?? 3,
    resolveAfter: p.resolve_after ?? (performance ? 6 : 3),
    warnProbability: p.warn_probability ?? (performance ? 0.3 : 0.5),
    warnAfter: p.warn_after ?? 2,
  };
}

// Not core/timeseries robustScale: its spread has a mean-deviation floor (right for anomaly
// scores), so one outlier in a monitor's history would move the learned threshold far.
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * learnThreshold sets an automatic threshold from the metric's own history: median ± k robust
 * standard deviations (1.4826 · MAD), on the side that hurts. Readings of the current window
 * are left out, so a slow degradation does not drag its own threshold along.
 */
export function learnThreshold(m: Monitor, history: readonly number[]): BreachThreshold | null {
  if (history.length < MIN_AUTO_POINTS) return null;
  const k = ('auto' in m.threshold ? m.threshold.sensitivity : undefined) ?? 4;
  const center = median(history);
  const mad = median(history.map((x) => Math.abs(x - center)));
  const scale = Math.max(1.4826 * mad, 1e-3 * Math.abs(center), 1e-9);
  const lowerIsBad =
    (m.kind === 'performance' || m.kind === 'estimated_performance') && HIGHER_IS_BETTER.has(m.metric);
  return lowerIsBad ? { op: '<', value: center - k * scale } : { op: '>', value: center + k * scale };
}

export interface EvaluatorContext {
  readonly store: Store;
  readonly entities: Entities;
  readonly project: string;
}

/** MonitorEvaluator evaluates one monitor over a range of times, reading the store as of each. */
export class MonitorEvaluator {
  readonly #ctx: EvaluatorContext;
  readonly #monitor: Monitor;
  readonly #model: ModelContext;
  readonly #estimated: EstimatedSeries | null;
  readonly #windowMs: number;
  readonly #cadenceMs: number;
  readonly #horizonMs: number;
  readonly #stepMs: number;

  private constructor(
    ctx: EvaluatorContext,
    monitor: Monitor,
    model: ModelContext,
    estimated: EstimatedSeries | null,
    stepMs: number | undefined,
  ) {
    this.#ctx = ctx;
    this.#monitor = monitor;
    this.#model = model;
    this.#estimated = estimated;
    const d = durationsOf(monitor);
    this.#windowMs = d.windowMs;
    this.#cadenceMs = d.cadenceMs;
    this.#horizonMs = d.horizonMs;
    this.#stepMs = stepMs ?? d.cadenceMs;
  }

  /**
   * create prepares evaluations at times in [fromMs, toMs]: an estimated-performance monitor
   * reads its score histograms and baseline labels for the whole range at once; each step is
   * calibrated on the labels known at its own time. `stepMs` is the time
   * between evaluations when it is not the cadence (replays with --step).
   */
  static async create(
    ctx: EvaluatorContext,
    monitor: Monitor,
    fromMs: number,
    toMs: number,
    stepMs?: number,
  ): Promise<MonitorEvaluator> {
    const model = await modelContext(ctx.store, ctx.entities, ctx.project, monitor.model);
    let estimated: EstimatedSeries | null = null;
    if (monitor.kind === 'estimated_performance') {
      const { windowMs, cadenceMs } = durationsOf(monitor);
      const start = fromMs - Math.max(HISTORY_MS, windowMs) - windowMs;
      estimated = await EstimatedSeries.load({
        store: ctx.store,
        project: ctx.project,
        model: monitor.model,
        context: model,
        baseline: baselineWindow(monitor, fromMs, windowMs),
        current: { ...currentWindow(monitor, toMs, windowMs), fromMs: start },
        bucketMs: cadenceMs,
        asOfMs: toMs,
      });
    }
    return new MonitorEvaluator(ctx, monitor, model, estimated, stepMs);
  }

  get cadenceMs(): number {
    return this.#cadenceMs;
  }

  async #read(t: number): Promise<Reading> {
    if (this.#estimated === null)
      return readMetric({ ...this.#ctx, model: this.#model }, this.#monitor, t, this.#windowMs);
    const e = this.#estimated.estimate(this.#monitor.metric as EstimatedMetricName, t - this.#windowMs, t);
    return e === null ? { value: null } : { value: e.value, se: e.se };
  }

  #threshold(value: number | null, t: number, history: RuntimeState['history']): BreachThreshold | null {
    const m = this.#monitor;
    if (!('auto' in m.threshold)) return m.threshold;
    const past = history.filter(([at]) => at <= t - this.#windowMs).map(([, v]) => v);
    if (m.kind !== 'volume') return learnThreshold(m, past);
    // Volume follows daily and weekly rhythms: the anomaly detector's band for this point.
    if (value === null || history.length < MIN_AUTO_POINTS) return null;
    const points = [...history.map(([timestamp, v]) => ({ timestamp, value: v })), { timestamp: t, value }];
    const last = detect(points).points.at(-1);
    if (!last) return null;
    return value < last.expected ? { op: '<', value: last.lower } : { op: '>', value: last.upper };
  }

  #outlook(
    t: number,
    reading: Reading,
    threshold: BreachThreshold,
    runtime: RuntimeState,
  ): { outlook: BreachOutlook | null; params: HoltParams | null } {
    const params = runtime.evaluations % REFIT_EVERY === 0 ? undefined : (runtime.params ?? undefined);
    // Per-bucket estimates step by the cadence; the monitor's own readings by the evaluation step.
    const stepMs = this.#estimated !== null ? this.#cadenceMs : this.#stepMs;
    const horizon = Math.max(1, Math.round(this.#horizonMs / stepMs));
    let result: ReturnType<typeof breachForecast>;
    if (this.#estimated !== null) {
      // Forecast the trailing-window estimate from its per-bucket parts (core/forecast/window.ts);
      // the realised metric strays from the estimate by about its standard error.
      const { values, weights } = this.#estimated.bucketSeries(
        this.#monitor.metric as EstimatedMetricName,
        t - HISTORY_MS,
        t,
      );
      result = breachForecast(values, threshold, horizon, {
        params,
        window: { steps: Math.max(1, Math.round(this.#windowMs / this.#cadenceMs)), weights },
        noiseSigma: reading.se !== undefined && Number.isFinite(reading.se) ? reading.se : 0,
      });
    } else {
      if (runtime.history.length < MIN_FORECAST_POINTS) return { outlook: null, params: runtime.params };
      const series = [...runtime.history.map(([, v]) => v), reading.value ?? Number.NaN];
      result = breachForecast(series.slice(-MAX_HISTORY), threshold, horizon, { params });
    }
    if (!Number.isFinite(result.probability)) return { outlook: null, params: result.params };
    const index = result.predicted_breach_index;
    return {
      outlook: {
        probability: result.probability,
        predictedBreach: index === null ? null : t + (index + 1) * stepMs,
      },
      params: result.params,
    };
  }

  /** step evaluates the monitor at t and folds the result into its state. */
  async step(t: number, runtime: RuntimeState): Promise<StepResult> {
    let reading: Reading;
    try {
      reading = await this.#read(t);
    } catch (e) {
      const threshold = eventThreshold(this.#monitor);
      const next = evaluate(
        runtime.lifecycle,
        { time: t, error: errorMessage(e) },
        policyOf(this.#monitor, threshold),
      );
      return {
        runtime: { ...runtime, lifecycle: next.state },
        events: next.events,
        value: null,
        threshold: null,
        contributors: [],
        explanation: null,
      };
    }
    const threshold = this.#threshold(reading.value, t, runtime.history);
    let lifecycle = runtime.lifecycle;
    let events: readonly AlertEvent[] = [];
    let params = runtime.params;
    if (threshold !== null && reading.value !== null) {
      const o = FORECAST_KINDS.has(this.#monitor.kind)
        ? this.#outlook(t, reading, threshold, runtime)
        : { outlook: null, params };
      params = o.params;
      const next = evaluate(
        lifecycle,
        { time: t, value: reading.value, outlook: o.outlook },
        policyOf(this.#monitor, threshold),
      );
      lifecycle = next.state;
      events = next.events;
    } else if (reading.value !== null) {
      // Still learning what normal is: remember the evaluation time so a re-run is a no-op.
      lifecycle = { ...lifecycle, value: reading.value, evaluatedAt: t };
    }
    const history =
      reading.value === null
        ? runtime.history
        : [...runtime.history, [t, reading.value] as const].slice(-MAX_HISTORY);
    let contributors = reading.contributors ?? [];
    const opening = events.some((e) => e.state === 'warning' || e.state === 'alert');
    if (opening && contributors.length === 0 && this.#monitor.kind !== 'volume') {
      // Why the estimate or the metric drops: the features that drifted most in the window.
      contributors = await featureContributors(
        { ...this.#ctx, model: this.#model },
        this.#monitor,
        t,
        this.#windowMs,
      ).catch(() => []);
    }
    const explanation = opening
      ? await explainAlert({ ...this.#ctx, model: this.#model }, this.#monitor, t, this.#windowMs).catch(
          () => null,
        )
      : null;
    return {
      runtime: { lifecycle, history, params, evaluations: runtime.evaluations + 1 },
      events,
      value: reading.value,
      threshold,
      contributors,
      explanation,
    };
  }
}
