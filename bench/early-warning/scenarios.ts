// Early-warning scenarios: a seeded world of one binary classifier whose labels arrive 7 days late,
// and an in-memory "oracle" that runs Vigil's pure logic (CBPE estimation → damped-trend forecast →
// alert state machine) on it next to two baselines, with no store in between.
//
// World. Features x1, x2 ~ N(m, s) drive the label, x3 ~ N(m3, 1) and region do not. The model
// scores σ(2.5·x1 + 2·x2) and predicts positive at ≥ 0.5; the truth is y ~ Bernoulli(σ(a1·x1 + a2·x2))
// with a1 = 2.5, a2 = 2 at the start, so the model is calibrated and ≈ 0.845 accurate.
// Families (the change starts between day 26 and 36, by seed):
//   gradual  — x1, x2 spread shrinks to 0.5 over 14 days (rows crowd the decision boundary: the
//              covariate part CBPE sees, accuracy → 0.745) while a1 falls to 2.2 (concept drift
//              CBPE cannot see, → 0.715);
//   sudden   — the same shift (spread 0.5, a1 2.2) at one instant;
//   benign   — x3 +1.5, region mix flips, x1 +0.4 over 2 days: big PSI, accuracy unchanged or up;
//   seasonal — strong daily and weekend traffic cycles, with x3 and region following them;
//   control  — nothing changes.
// Ground truth: breach = end of the first hour at which realised accuracy over the trailing 24 h
// (all records, true labels, no delay) is below the threshold (0.78).
// Oracle, evaluated hourly from day 15 over a trailing 24 h window:
//   Vigil    — CBPE accuracy (isotonic calibration on days 0–14) of the window is the monitored
//              value; breachForecast forecasts it from the hourly CBPE buckets of the last 14 days
//              (window forecast, 120 h horizon, parameters refit daily, the estimate's standard
//              error added as the realised metric's spread); the alert state machine warns when
//              P(breach within 120 h) ≥ 0.3 two hours running and alerts after 3 h below 0.78;
//   realised — accuracy of the records whose labels arrived in the last 24 h → same state machine;
//   PSI      — max PSI over x1, x2, x3 (reference deciles) and region vs days 0–14 > 0.25 → same.
// Tuning record: with the forecast run on the window series itself (48–72 h horizon, 2–3 seeds)
// the median lead on gradual drift was −50 to −60 h and on sudden shifts about 0 h. Forecasting
// the hourly buckets and re-aggregating (window.ts), a long-memory trend grid, a 120 h horizon and
// the level-shift rule in holt.ts brought them to +24 h and +6.5 h (6 seeds each). Warning at
// P ≥ 0.3 rather than 0.5 gained ≈ 30 h on gradual drift for 0.07 false alerts per 30 days.
// Lead time on gradual drift stays noisy (−44 … +45 h): CBPE cannot see the concept part, and the
// realised metric's own noise decides when it first dips below the threshold.
import { estimateBinary, fitCalibrator, type ScoreFrequency } from '../../src/core/estimation/index.js';
import { breachForecast, type HoltGrid, type HoltParams } from '../../src/core/forecast/index.js';
import { rocAucFromScoreCounts, type ScoreCount } from '../../src/core/metrics/index.js';
import { binIndex, psiFromCounts, quantileEdges } from '../../src/core/stats/index.js';
import { gaussian, mulberry32 } from '../../src/core/timeseries/synthetic.js';
import { type AlertEvent, type AlertPolicy, evaluate, INITIAL_STATE } from '../../src/monitor/alert-state.js';
import { type ScenarioScore, scoreScenario } from './scorer.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** SCENARIO_FAMILIES lists the scenario kinds; the first two degrade the model. */
export const SCENARIO_FAMILIES = ['gradual', 'sudden', 'benign', 'seasonal', 'control'] as const;
export type ScenarioFamily = (typeof SCENARIO_FAMILIES)[number];

const REGIONS = ['EU', 'US', 'APAC'] as const;

/** ScenarioRecord is one prediction with its (delayed) label. */
export interface ScenarioRecord {
  readonly id: string;
  readonly timestamp: number;
  readonly features: {
    readonly x1: number;
    readonly x2: number;
    readonly x3: number;
    readonly region: string;
  };
  readonly score: number;
  readonly label: 0 | 1;
  readonly labelArrival: number;
}

/** HourlyBatch is the records of one hour. */
export interface HourlyBatch {
  readonly hour: number;
  readonly start: number;
  readonly records: readonly ScenarioRecord[];
}

/** Scenario is a deterministic world; batch(h) can be regenerated in any order. */
export interface Scenario {
  readonly name: string;
  readonly family: ScenarioFamily;
  readonly seed: number;
  readonly startMs: number;
  readonly hours: number;
  /** Hours [0, referenceHours) form the labelled reference period. */
  readonly referenceHours: number;
  readonly evalStartMs: number;
  readonly threshold: number;
  readonly labelDelayMs: number;
  readonly changeStartMs: number | null;
  batch(hour: number): HourlyBatch;
}

/** ScenarioOptions sizes a scenario; the defaults are the bench's. */
export interface ScenarioOptions {
  readonly days?: number;
  readonly recordsPerHour?: number;
  readonly threshold?: number;
}

interface Regime {
  readonly s: number;
  readonly m1: number;
  readonly m3: number;
  readonly a1: number;
  readonly region: readonly [number, number, number];
}

const BASE: Regime = { s: 1, m1: 0, m3: 0, a1: 2.5, region: [0.5, 0.3, 0.2] };
const START_MS = Date.UTC(2026, 0, 5); // a Monday

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const ramp = (hour: number, fromH: number, toH: number): number =>
  hour <= fromH ? 0 : hour >= toH ? 1 : (hour - fromH) / (toH - fromH);

function changeHour(family: ScenarioFamily, seed: number): number | null {
  switch (family) {
    case 'gradual':
      return (26 + (seed % 5)) * 24;
    case 'sudden':
      return (32 + (seed % 5)) * 24 + 9;
    case 'benign':
      return (28 + (seed % 5)) * 24;
    default:
      return null;
  }
}

function regimeAt(family: ScenarioFamily, hour: number, change: number | null, startMs: number): Regime {
  const date = new Date(startMs + hour * HOUR_MS);
  const hod = date.getUTCHours();
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  switch (family) {
    case 'gradual': {
      const r = ramp(hour, change ?? 0, (change ?? 0) + 14 * 24);
      return { ...BASE, s: 1 - 0.5 * r, a1: 2.5 - 0.3 * r };
    }
    case 'sudden':
      return hour >= (change ?? 0) ? { ...BASE, s: 0.5, a1: 2.2 } : BASE;
    case 'benign': {
      const r = ramp(hour, change ?? 0, (change ?? 0) + 48);
      return { ...BASE, m1: 0.4 * r, m3: 1.5 * r, region: [0.5 - 0.3 * r, 0.3, 0.2 + 0.3 * r] };
    }
    case 'seasonal':
      return {
        ...BASE,
        m3: Math.sin((2 * Math.PI * hod) / 24) + (weekend ? 0.8 : 0),
        region: weekend ? [0.3, 0.3, 0.4] : BASE.region,
      };
    case 'control':
      return BASE;
  }
}

function trafficAt(family: ScenarioFamily, hour: number, startMs: number, rate: number): number {
  const date = new Date(startMs + hour * HOUR_MS);
  const daily = Math.sin((2 * Math.PI * (date.getUTCHours() - 8)) / 24);
  if (family !== 'seasonal') return rate * (1 + 0.3 * daily);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  return rate * (1 + 0.7 * daily) * (weekend ? 0.5 : 1.15);
}

/**
 * createScenario builds one seeded scenario of a family.
 *
 * @example createScenario('sudden', 1).batch(0).records.length // ≈ 100
 */
export function createScenario(
  family: ScenarioFamily,
  seed: number,
  options: ScenarioOptions = {},
): Scenario {
  const days = options.days ?? 60;
  const rate = options.recordsPerHour ?? 100;
  const startMs = START_MS;
  const change = changeHour(family, seed);
  const name = `${family}-${seed}`;
  const labelDelayMs = 7 * DAY_MS;
  return {
    name,
    family,
    seed,
    startMs,
    hours: days * 24,
    referenceHours: 14 * 24,
    evalStartMs: startMs + 15 * DAY_MS,
    threshold: options.threshold ?? 0.78,
    labelDelayMs,
    changeStartMs: change === null ? null : startMs + change * HOUR_MS,
    batch(hour: number): HourlyBatch {
      // One generator per (seed, hour), so hours are independent and reproducible.
      const uniform = mulberry32((Math.imul(seed + 1, 2_654_435_761) ^ Math.imul(hour + 1, 40_503)) | 0);
      const normal = gaussian(uniform);
      const regime = regimeAt(family, hour, change, startMs);
      const expected = trafficAt(family, hour, startMs, rate);
      const n = Math.max(0, Math.round(expected + Math.sqrt(expected) * normal()));
      const start = startMs + hour * HOUR_MS;
      const records: ScenarioRecord[] = [];
      for (let i = 0; i < n; i++) {
        const x1 = regime.m1 + regime.s * normal();
        const x2 = regime.s * normal();
        const x3 = regime.m3 + normal();
        const u = uniform();
        const region =
          u < regime.region[0]
            ? REGIONS[0]
            : u < regime.region[0] + regime.region[1]
              ? REGIONS[1]
              : REGIONS[2];
        const label: 0 | 1 = uniform() < sigmoid(regime.a1 * x1 + 2 * x2) ? 1 : 0;
        const timestamp = start + Math.floor(uniform() * HOUR_MS);
        records.push({
          id: `${name}-${hour}-${i}`,
          timestamp,
          features: { x1, x2, x3, region },
          score: sigmoid(2.5 * x1 + 2 * x2),
          label,
          labelArrival: timestamp + labelDelayMs,
        });
      }
      return { hour, start, records };
    },
  };
}

/**
 * groundTruthBreach is the end of the first hour at which realised accuracy over the trailing
 * 24 h (true labels, no delay) is below the threshold, from the end of the reference period on;
 * null when it never is.
 *
 * @example groundTruthBreach(createScenario('control', 1)) // null
 */
export function groundTruthBreach(scenario: Scenario): number | null {
  const correct: number[] = [];
  const total: number[] = [];
  let c = 0;
  let t = 0;
  for (let h = scenario.referenceHours; h < scenario.hours; h++) {
    const records = scenario.batch(h).records;
    const hc = records.filter((r) => (r.score >= 0.5 ? 1 : 0) === r.label).length;
    correct.push(hc);
    total.push(records.length);
    c += hc;
    t += records.length;
    if (correct.length > 24) {
      c -= correct[correct.length - 25]!;
      t -= total[total.length - 25]!;
    }
    const end = scenario.startMs + (h + 1) * HOUR_MS;
    if (end >= scenario.evalStartMs && t > 0 && c / t < scenario.threshold) return end;
  }
  return null;
}

/** OracleOptions tunes the oracle's monitors; the defaults are the bench's. */
export interface OracleOptions {
  readonly horizonHours?: number;
  readonly historyHours?: number;
  /** Candidate forecast parameters (default DEFAULT_HOLT_GRID). */
  readonly grid?: HoltGrid | undefined;
  /** Add the estimate's standard error to the forecast spread (default true). */
  readonly realisedNoise?: boolean;
  /** Refit the forecast parameters on the grid every this many evaluations (cached between). */
  readonly refitEveryHours?: number;
  readonly vigilPolicy?: Omit<AlertPolicy, 'threshold'>;
  readonly baselinePolicy?: Omit<AlertPolicy, 'threshold'>;
  readonly psiThreshold?: number;
}

/** EstimationAccuracy compares hourly trailing-day estimates with realised values. */
export interface EstimationAccuracy {
  readonly hours: number;
  readonly accuracyMae: number;
  readonly aucMae: number;
  /** Share of hours whose realised value lay inside the 95% band. */
  readonly accuracyCoverage: number;
  readonly aucCoverage: number;
}

/** OracleTracePoint is one hourly evaluation, for plots and diagnosis. */
export interface OracleTracePoint {
  readonly time: number;
  /** Realised trailing-day accuracy (true labels, no delay). */
  readonly truth: number;
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Forecast P(breach within the horizon) and the expected value at the horizon's end. */
  readonly probability: number;
  readonly expectedAtHorizon: number;
  /** Baseline values: realised accuracy of the labels that arrived, max PSI. */
  readonly delayedAccuracy: number | null;
  readonly maxPsi: number;
}

/** OracleResult is one scenario's timelines for the three methods and the estimation figures. */
export interface OracleResult {
  readonly name: string;
  readonly family: ScenarioFamily;
  readonly evalStartMs: number;
  readonly evalEndMs: number;
  readonly changeStartMs: number | null;
  readonly breachMs: number | null;
  readonly vigil: readonly AlertEvent[];
  readonly realized: readonly AlertEvent[];
  readonly psi: readonly AlertEvent[];
  readonly estimation: EstimationAccuracy;
  readonly trace: readonly OracleTracePoint[];
}

/** DEFAULT_VIGIL_POLICY: alert after 3 h below, resolve after 6 h back above by 0.01; warn when
 * P(realised accuracy breaches within the horizon) ≥ 0.3 two hours running. */
export const DEFAULT_VIGIL_POLICY: Omit<AlertPolicy, 'threshold'> = {
  hysteresis: 0.01,
  alertAfter: 3,
  resolveAfter: 6,
  warnProbability: 0.3,
  warnAfter: 2,
};

// Scores are floored to 3 decimals, as the store groups them; flooring (not rounding) keeps every
// bin on one side of the 0.5 decision threshold.
const SCORE_BINS = 1001;

interface HourAggregate {
  readonly freq: Float64Array;
  readonly pos: Float64Array;
  readonly neg: Float64Array;
  readonly correct: number;
  readonly total: number;
  readonly features: readonly Float64Array[];
}

function featureBins(r: ScenarioRecord, edges: readonly Float64Array[]): number[] {
  const f = r.features;
  return [
    binIndex(edges[0]!, f.x1),
    binIndex(edges[1]!, f.x2),
    binIndex(edges[2]!, f.x3),
    REGIONS.indexOf(f.region as (typeof REGIONS)[number]),
  ];
}

function aggregate(records: readonly ScenarioRecord[], edges: readonly Float64Array[]): HourAggregate {
  const freq = new Float64Array(SCORE_BINS);
  const pos = new Float64Array(SCORE_BINS);
  const neg = new Float64Array(SCORE_BINS);
  const features = [...edges.map((e) => new Float64Array(e.length + 1)), new Float64Array(REGIONS.length)];
  let correct = 0;
  for (const r of records) {
    const b = Math.floor(r.score * 1000);
    freq[b]!++;
    if (r.label === 1) pos[b]!++;
    else neg[b]!++;
    if ((r.score >= 0.5 ? 1 : 0) === r.label) correct++;
    featureBins(r, edges).forEach((bin, i) => {
      features[i]![bin]!++;
    });
  }
  return { freq, pos, neg, correct, total: records.length, features };
}

function addInto(target: Float64Array, source: Float64Array, sign: number): void {
  for (let i = 0; i < target.length; i++) target[i]! += sign * source[i]!;
}

/**
 * runOracle evaluates one scenario hour by hour with Vigil's logic and the two baselines.
 *
 * @example runOracle(createScenario('control', 1)).vigil.length // 0 (no false alert)
 */
export function runOracle(scenario: Scenario, options: OracleOptions = {}): OracleResult {
  const horizon = options.horizonHours ?? 120;
  const history = options.historyHours ?? 336;
  const refitEvery = options.refitEveryHours ?? 24;
  let params: HoltParams | undefined;
  const useNoise = options.realisedNoise ?? true;
  const threshold = { op: '<', value: scenario.threshold } as const;
  const vigilPolicy: AlertPolicy = { ...DEFAULT_VIGIL_POLICY, ...options.vigilPolicy, threshold };
  const baseline = options.baselinePolicy ?? { hysteresis: 0.01, alertAfter: 3, resolveAfter: 6 };
  const realizedPolicy: AlertPolicy = { ...baseline, threshold };
  const psiPolicy: AlertPolicy = {
    ...baseline,
    hysteresis: 0.05,
    threshold: { op: '>', value: options.psiThreshold ?? 0.25 },
  };

  // Reference period: calibration counts and feature deciles.
  const refCounts: ScoreCount[] = [];
  const refValues: number[][] = [[], [], []];
  const refRecords: ScenarioRecord[] = [];
  const refPos = new Float64Array(SCORE_BINS);
  const refNeg = new Float64Array(SCORE_BINS);
  for (let h = 0; h < scenario.referenceHours; h++) {
    for (const r of scenario.batch(h).records) {
      refRecords.push(r);
      refValues[0]!.push(r.features.x1);
      refValues[1]!.push(r.features.x2);
      refValues[2]!.push(r.features.x3);
      const b = Math.floor(r.score * 1000);
      if (r.label === 1) refPos[b]!++;
      else refNeg[b]!++;
    }
  }
  refPos.forEach((p, b) => {
    if (p + refNeg[b]! > 0) refCounts.push({ score: b / 1000, pos: p, neg: refNeg[b]! });
  });
  const calibrator = fitCalibrator(refCounts);
  const edges = refValues.map((v) => quantileEdges(v, 10));
  const reference = aggregate(refRecords, edges);

  const arrivalsCorrect = new Float64Array(scenario.hours + 24 * 10);
  const arrivalsTotal = new Float64Array(scenario.hours + 24 * 10);
  const window = {
    freq: new Float64Array(SCORE_BINS),
    pos: new Float64Array(SCORE_BINS),
    neg: new Float64Array(SCORE_BINS),
    correct: 0,
    total: 0,
    features: reference.features.map((f) => new Float64Array(f.length)),
  };
  const ring: HourAggregate[] = [];
  const evalStartHour = Math.round((scenario.evalStartMs - scenario.startMs) / HOUR_MS);
  let vigilState = INITIAL_STATE;
  let realizedState = INITIAL_STATE;
  let psiState = INITIAL_STATE;
  const vigil: AlertEvent[] = [];
  const realized: AlertEvent[] = [];
  const psi: AlertEvent[] = [];
  // Per-hour CBPE accuracy and row count: the buckets the window forecast works on.
  const buckets: (number | null)[] = [];
  const bucketWeights: number[] = [];
  const trace: OracleTracePoint[] = [];
  let breachMs: number | null = null;
  const est = { hours: 0, accErr: 0, aucErr: 0, accIn: 0, aucIn: 0 };

  for (let h = scenario.referenceHours; h < scenario.hours; h++) {
    const batch = scenario.batch(h);
    const agg = aggregate(batch.records, edges);
    for (const r of batch.records) {
      const arrival = Math.floor((r.labelArrival - scenario.startMs) / HOUR_MS);
      if (arrival < arrivalsTotal.length) {
        arrivalsTotal[arrival]!++;
        if ((r.score >= 0.5 ? 1 : 0) === r.label) arrivalsCorrect[arrival]!++;
      }
    }
    ring.push(agg);
    addInto(window.freq, agg.freq, 1);
    addInto(window.pos, agg.pos, 1);
    addInto(window.neg, agg.neg, 1);
    agg.features.forEach((f, i) => {
      addInto(window.features[i]!, f, 1);
    });
    window.correct += agg.correct;
    window.total += agg.total;
    if (ring.length > 24) {
      const old = ring.shift()!;
      addInto(window.freq, old.freq, -1);
      addInto(window.pos, old.pos, -1);
      addInto(window.neg, old.neg, -1);
      old.features.forEach((f, i) => {
        addInto(window.features[i]!, f, -1);
      });
      window.correct -= old.correct;
      window.total -= old.total;
    }
    const hourRows: ScoreFrequency[] = [];
    agg.freq.forEach((count, b) => {
      if (count > 0) hourRows.push({ score: b / 1000, count });
    });
    buckets.push(agg.total > 0 ? estimateBinary(calibrator, hourRows).accuracy.value : null);
    bucketWeights.push(agg.total);
    if (h + 1 < evalStartHour) continue;
    const time = scenario.startMs + (h + 1) * HOUR_MS;

    // Ground truth and the estimate.
    const truth = window.total > 0 ? window.correct / window.total : Number.NaN;
    if (breachMs === null && truth < scenario.threshold) breachMs = time;
    const freqRows: ScoreFrequency[] = [];
    const labelled: ScoreCount[] = [];
    window.freq.forEach((c, b) => {
      if (c > 0) {
        freqRows.push({ score: b / 1000, count: c });
        labelled.push({ score: b / 1000, pos: window.pos[b]!, neg: window.neg[b]! });
      }
    });
    const e = estimateBinary(calibrator, freqRows);
    const trueAuc = rocAucFromScoreCounts(labelled);
    est.hours++;
    est.accErr += Math.abs(e.accuracy.value - truth);
    est.aucErr += Math.abs(e.auc.value - trueAuc);
    if (truth >= e.accuracy.lower && truth <= e.accuracy.upper) est.accIn++;
    if (trueAuc >= e.auc.lower && trueAuc <= e.auc.upper) est.aucIn++;

    // Vigil: estimate, forecast of the trailing-day estimate from the hourly buckets, state machine.
    if (buckets.length % refitEvery === 1) params = undefined;
    const outlook = breachForecast(buckets.slice(-history), threshold, horizon, {
      params,
      grid: options.grid,
      window: { steps: 24, weights: bucketWeights.slice(-history) },
      // The breach is about realised accuracy, which strays from the estimate by about its se.
      noiseSigma: useNoise ? e.accuracy.se : 0,
    });
    params = outlook.params ?? undefined;
    const index = outlook.predicted_breach_index;
    const step = evaluate(
      vigilState,
      {
        time,
        value: e.accuracy.value,
        outlook: {
          probability: outlook.probability,
          predictedBreach: index === null ? null : time + (index + 1) * HOUR_MS,
        },
      },
      vigilPolicy,
    );
    vigilState = step.state;
    vigil.push(...step.events);

    // Baseline (a): realised accuracy of the labels that arrived in the last 24 h.
    let c = 0;
    let t = 0;
    for (let a = Math.max(0, h - 23); a <= h; a++) {
      c += arrivalsCorrect[a]!;
      t += arrivalsTotal[a]!;
    }
    const r = evaluate(realizedState, { time, value: t > 0 ? c / t : null }, realizedPolicy);
    realizedState = r.state;
    realized.push(...r.events);

    // Baseline (b): PSI > 0.25 on any feature.
    const maxPsi = Math.max(...reference.features.map((ref, i) => psiFromCounts(ref, window.features[i]!)));
    const p = evaluate(psiState, { time, value: maxPsi }, psiPolicy);
    psiState = p.state;
    psi.push(...p.events);
    trace.push({
      time,
      truth,
      estimate: e.accuracy.value,
      lower: e.accuracy.lower,
      upper: e.accuracy.upper,
      probability: outlook.probability,
      expectedAtHorizon: outlook.expected[outlook.expected.length - 1] ?? Number.NaN,
      delayedAccuracy: t > 0 ? c / t : null,
      maxPsi,
    });
  }
  return {
    name: scenario.name,
    family: scenario.family,
    evalStartMs: scenario.evalStartMs,
    evalEndMs: scenario.startMs + scenario.hours * HOUR_MS,
    changeStartMs: scenario.changeStartMs,
    breachMs,
    vigil,
    realized,
    psi,
    estimation: {
      hours: est.hours,
      accuracyMae: est.accErr / est.hours,
      aucMae: est.aucErr / est.hours,
      accuracyCoverage: est.accIn / est.hours,
      aucCoverage: est.aucIn / est.hours,
    },
    trace,
  };
}

/** BenchRun is the oracle over a set of scenarios, scored for the three methods. */
export interface BenchRun {
  readonly results: readonly OracleResult[];
  readonly scores: {
    readonly vigil: readonly ScenarioScore[];
    readonly realized_baseline: readonly ScenarioScore[];
    readonly psi_baseline: readonly ScenarioScore[];
  };
}

/**
 * runBench runs the oracle on every family for the given seeds (degrading families may use
 * more seeds, since their lead time is the noisier figure) and scores each method.
 *
 * @example runBench({ seeds: [1] }).scores.vigil.length // 5
 */
export function runBench(
  options: {
    seeds: readonly number[];
    degradingSeeds?: readonly number[];
    scenario?: ScenarioOptions;
    oracle?: OracleOptions;
  } = { seeds: [1] },
): BenchRun {
  const results = SCENARIO_FAMILIES.flatMap((family) =>
    (family === 'gradual' || family === 'sudden'
      ? (options.degradingSeeds ?? options.seeds)
      : options.seeds
    ).map((seed) => runOracle(createScenario(family, seed, options.scenario), options.oracle)),
  );
  const score = (pick: (r: OracleResult) => readonly AlertEvent[]): ScenarioScore[] =>
    results.map((r) => scoreScenario({ ...r, events: pick(r) }));
  return {
    results,
    scores: {
      vigil: score((r) => r.vigil),
      realized_baseline: score((r) => r.realized),
      psi_baseline: score((r) => r.psi),
    },
  };
}
