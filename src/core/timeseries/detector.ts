// Streaming anomaly detector: causal (a point's output uses only the points up to it) and bounded (ring
// buffers only). Per point it
//   1. tracks the sampling interval and tests for daily and weekly cycles on a bucketed history
//      (seasonality.ts), every quarter day of data during the first week and daily after; when the
//      decision changes, it rebuilds the scorer by replaying its recent raw history through the new
//      seasonal model, so the forecast and the tails are consistent with the model from the start;
//   2. scores the point against a robust seasonal-trend forecast (residual-scorer.ts), re-baselining
//      after a lasting level or trend shift;
//   3. reports an anomaly only when the evidence is new: evidence that does not exceed everything seen
//      in the last `noveltyWindow` points is damped, so an event is flagged when it starts or grows,
//      not at every point it lasts. This is the "flag it once" half of re-baselining, for spikes too.
// The output explains each point with the forecast and a band [lower, upper] that agrees with the flag:
// a flagged point always lies outside its band. The band is where the point test accepts the value;
// when the shift test decides the flag instead (a level shift building up, with this value inside the
// point band), the band is narrowed to the values that would have kept both tests quiet, which can be
// empty (the points before it decided the shift): then it collapses to the forecast. A series that
// has only been non-negative (counts, rates) gets no negative bound or forecast.
import { FrozenForecast, type SeasonalProfile } from './decompose.js';
import { type AnomalyEvent, EventTracker, type EventTuning } from './events.js';
import { ResidualScorer, type ScorerTuning } from './residual-scorer.js';
import { RingBuffer } from './ring-buffer.js';
import {
  BucketHistory,
  chooseBucketMs,
  DAY_MS,
  DEFAULT_SEASONALITY_THRESHOLDS,
  decideSeasonality,
  describeSeasonality,
  IntervalTracker,
  type Seasonality,
  type SeasonalityDecision,
  type SeasonalityThresholds,
  WEEK_MS,
} from './seasonality.js';
import { evidenceToScore, SENSITIVITY_CUTOFF, type Sensitivity } from './sensitivity.js';
import { SlidingMax } from './sliding-max.js';

/** TimePoint is one observation; timestamp in epoch milliseconds. */
export interface TimePoint {
  readonly timestamp: number;
  readonly value: number;
}

/** DetectorPoint is the detector's verdict on one observation. */
/** Z_975 is the standard normal's 97.5% quantile: a two-sided 95% band is ± Z_975 scales. */
const Z_975 = 1.959963984540054;

export interface DetectorPoint {
  readonly timestamp: number;
  readonly value: number;
  /** expected is the one-step forecast made before seeing the value. */
  readonly expected: number;
  /**
   * lower and upper bound the values accepted at the chosen sensitivity: no point inside its band is
   * flagged. Never negative for a series that has only been non-negative.
   */
  readonly lower: number;
  readonly upper: number;
  /**
   * lower95 and upper95 bound where 95% of normal values fall: expected ± 1.96 residual scales (the
   * robust noise scale of the event layer, fitted after the seasonal profile), not the flag band.
   * Counts get non-negative, whole-number bounds (rounded outwards). Until the scale is learnt they
   * are the flag band.
   */
  readonly lower95: number;
  readonly upper95: number;
  /** score in [0, 1): new evidence e as e/(e+1); 0.5 is the medium threshold. */
  readonly score: number;
  readonly anomaly: boolean;
  /** changepoint is true at the point where a lasting level or trend shift was confirmed. */
  readonly changepoint: boolean;
}

/** DetectorTuning holds every constant of the detector; the defaults are one corpus-wide configuration. */
export interface DetectorTuning extends ScorerTuning {
  readonly noveltyWindow: number;
  readonly repeatDamping: number;
  readonly historyPoints: number;
  readonly seasonalityEveryMs: number;
  readonly seasonality: SeasonalityThresholds;
  readonly seasonalityMinGaps: number;
  /** flagEventOpenings: a point that opens an event by the event layer's point test is flagged. */
  readonly flagEventOpenings: boolean;
  /** restoreOnReturn: when an event ends with the series back at its pre-event baseline, the model returns to it. */
  readonly restoreOnReturn: boolean;
}

/**
 * DEFAULT_TUNING is Vigil's single configuration, chosen on the NAB corpus as a whole (bench/nab.ts)
 * and the synthetic shift test (detector.test.ts); the numbers in comments are in points unless stated.
 */
export const DEFAULT_TUNING: DetectorTuning = {
  warmupPoints: 50, // enough residuals for a first MAD
  residualWindow: 512, // σ window: about two days at 5-minute sampling
  scaleEveryPoints: 32, // σ over 512 residuals moves little in 32 points; the MAD is the costliest step
  tailWindow: 5000, // the series' own tail: about 17 days at 5 minutes
  tailQuantile: 0.999,
  tailWinsor: 3, // an anomaly enters the tails as at most 3× the last calm threshold
  shiftTailWinsor: 3,
  esdAlpha: 0.05,
  shiftWindow: 12, // a level shift shows after about 6 points
  shiftFloorSigmas: 0.29, // ≈ 1/√12: the noise of a 12-point median, in σ
  clipSigmas: 3, // Huber ψ: larger residuals move the state as if they were 3σ
  levelRate: 0.02,
  trendRate: 0,
  trendDamping: 0.999, // a slope fitted at a trend change fades over ~700 points unless refitted
  seasonalRates: { daily: 0.1, weekly: 0.2 },
  adaptSeasonalRates: { daily: 0.3, weekly: 0.5 },
  rebaselineEvidence: 2,
  changeLookback: 64,
  trendSigmas: 4,
  multiplicativeRebaseline: true,
  noveltyWindow: 200, // about 17 hours at 5 minutes: how long an event's evidence stays the bar
  repeatDamping: 0.1, // inside an event a point is flagged again only at 10× the threshold
  historyPoints: 5000,
  seasonalityEveryMs: DAY_MS / 4,
  seasonality: DEFAULT_SEASONALITY_THRESHOLDS,
  seasonalityMinGaps: 32,
  // Both off: they change the scores, and on NAB (bench/nab.ts) they took the standard score from
  // 64.2 to 6.2. The event layer keeps its own pre-event baseline instead (events.ts, shadow).
  flagEventOpenings: false,
  restoreOnReturn: false,
};

/** DetectorOptions configure a detector; everything is optional. */
export interface DetectorOptions {
  readonly sensitivity?: Sensitivity;
  /** tuning overrides DEFAULT_TUNING field by field (for experiments; Vigil uses the defaults). */
  readonly tuning?: Partial<DetectorTuning>;
  /** events overrides EVENT_TUNING field by field (events.ts). */
  readonly events?: Partial<EventTuning>;
}

/** Detector is a streaming detector for one series. */
export interface Detector {
  /**
   * update scores the next observation. Timestamps should increase; one that goes back is still scored
   * as the next point (never reordered), with its own seasonal phase, and adds no sampling gap.
   */
  update(point: TimePoint): DetectorPoint;
  /** seasonality is the current decision about daily and weekly cycles. */
  readonly seasonality: Seasonality;
  /** count is how many observations were scored. */
  readonly count: number;
  /** takeEvents returns the events that ended since the last call, oldest first. */
  takeEvents(): AnomalyEvent[];
  /** openEvent is the event still going on at the last point (end null), or null. */
  readonly openEvent: AnomalyEvent | null;
  /**
   * residualScale is the noise scale s the last point was judged with by the event layer (a robust sd
   * of calm residuals, at the forecast's level for a positive series): expected ± 1.96·s is a 95% band.
   */
  readonly residualScale: number;
}

const NO_SEASONALITY: SeasonalityDecision = {
  daily: false,
  weekly: false,
  dailyStrength: null,
  weeklyStrength: null,
};

class StreamingDetector implements Detector {
  private readonly tuning: DetectorTuning;
  private readonly cutoff: number;
  private readonly interval = new IntervalTracker();
  private readonly historyTimes: RingBuffer;
  private readonly historyValues: RingBuffer;
  private readonly novelty: SlidingMax;
  private scorer: ResidualScorer;
  private buckets: BucketHistory | null = null;
  private decision: SeasonalityDecision = NO_SEASONALITY;
  private nextSeasonalityCheck = Number.NEGATIVE_INFINITY;
  private scored = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private integer = true;
  private lastScale = Number.NaN;
  private readonly events: EventTracker;

  constructor(options: DetectorOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.cutoff = SENSITIVITY_CUTOFF[options.sensitivity ?? 'medium'];
    this.historyTimes = new RingBuffer(this.tuning.historyPoints);
    this.historyValues = new RingBuffer(this.tuning.historyPoints);
    this.novelty = new SlidingMax(this.tuning.noveltyWindow);
    this.scorer = new ResidualScorer(this.tuning);
    this.events = new EventTracker(options.events, SENSITIVITY_CUTOFF[options.sensitivity ?? 'medium']);
    if (this.tuning.restoreOnReturn) {
      this.events.onReturn = (reference, steps) => {
        if (reference instanceof FrozenForecast) this.scorer.restore(reference, steps);
      };
    }
  }

  get count(): number {
    return this.scored;
  }

  takeEvents(): AnomalyEvent[] {
    return this.events.takeClosed();
  }

  get residualScale(): number {
    return this.lastScale;
  }

  get openEvent(): AnomalyEvent | null {
    return this.events.current();
  }

  get seasonality(): Seasonality {
    return describeSeasonality(this.decision, this.buckets?.bucketMs ?? 0);
  }

  update(point: TimePoint): DetectorPoint {
    const { timestamp, value } = point;
    if (!Number.isFinite(timestamp))
      throw new RangeError(`timestamp must be a finite number, got ${timestamp}`);
    if (!Number.isFinite(value)) return this.missing(timestamp, value);
    if (value < this.minValue) this.minValue = value;
    if (this.integer && !Number.isInteger(value)) this.integer = false;

    this.trackSeasonality(timestamp, value);
    this.historyTimes.push(timestamp);
    this.historyValues.push(value);
    const step = this.scorer.step(timestamp, value);
    this.scored += 1;

    const evidence = Math.max(step.pointEvidence, step.shiftEvidence);
    const novel = evidence > this.novelty.max;
    this.novelty.push(evidence);
    let effective = novel ? evidence : evidence * this.tuning.repeatDamping;
    const half = Number.isFinite(step.threshold) ? this.cutoff * step.threshold : 0;
    let expected = step.expected;
    const verdict = this.events.update(
      {
        timestamp,
        value,
        expected,
        level: this.scorer.levelBefore,
        nonNegative: this.minValue >= 0,
        integer: this.integer,
      },
      (level) => this.scorer.freeze(level),
    );
    // The event layer's calibrated point test (events.ts) is evidence too, undamped: a spike that
    // opens an event is flagged even when the tails above have learnt spikes as usual.
    this.lastScale = verdict.scale;
    const opened = this.tuning.flagEventOpenings && verdict.openedByPoint;
    if (opened && verdict.evidence > effective) effective = verdict.evidence;
    let lower = expected - half;
    let upper = expected + half;
    let anomaly = effective >= this.cutoff;
    if (opened && value >= lower && value <= upper) {
      // Flagged by the event layer: its calm band, which excludes the value, is the band shown.
      const h = this.cutoff * this.events.openSigmas * verdict.scale;
      lower = Math.max(lower, verdict.reference - h);
      upper = Math.min(upper, verdict.reference + h);
      if (lower > upper) lower = upper = verdict.reference;
    } else if (anomaly && value >= lower && value <= upper) {
      // The shift test decided: report the values that would have kept both tests quiet.
      const band = this.scorer.shiftAcceptBand(this.cutoff * step.shiftThreshold);
      if (band === null) {
        lower = expected;
        upper = expected;
      } else {
        lower = Math.max(lower, expected + band.lo);
        upper = Math.min(upper, expected + band.hi);
        if (lower > upper) lower = upper = expected;
      }
    }
    if (this.minValue >= 0) {
      // Counts and rates: a negative forecast or bound explains nothing.
      expected = Math.max(0, expected);
      lower = Math.max(0, lower);
      upper = Math.max(0, upper);
    }
    // The flag agrees with the band shown. This only bites at the band's edges (rounding, a collapsed
    // band, a clamped one), never on the evidence itself.
    if (value >= lower && value <= upper) anomaly = false;
    const band95 = this.band95(expected, verdict.scale, lower, upper);
    return {
      timestamp,
      value,
      expected,
      lower,
      upper,
      lower95: band95.lower,
      upper95: band95.upper,
      score: evidenceToScore(effective),
      anomaly,
      changepoint: step.changepoint,
    };
  }

  /** band95 is expected ± 1.96 s (Φ⁻¹(0.975) = 1.95996); counts get [floor, ceil] clamped at 0. */
  private band95(
    expected: number,
    scale: number,
    lower: number,
    upper: number,
  ): { lower: number; upper: number } {
    if (!(scale > 0) || !Number.isFinite(scale)) return { lower, upper };
    let lo = expected - Z_975 * scale;
    let hi = expected + Z_975 * scale;
    if (this.minValue >= 0) lo = Math.max(0, lo);
    if (this.integer && this.minValue >= 0) {
      lo = Math.floor(lo);
      hi = Math.ceil(hi);
    }
    return { lower: lo, upper: hi };
  }

  /** missing answers a non-finite value without learning from it. */
  private missing(timestamp: number, value: number): DetectorPoint {
    this.events.missing(timestamp);
    const last = this.historyValues.last();
    const expected = Number.isNaN(last) ? 0 : this.minValue >= 0 ? Math.max(0, last) : last;
    return {
      timestamp,
      value,
      expected,
      lower: expected,
      upper: expected,
      lower95: expected,
      upper95: expected,
      score: 0,
      anomaly: false,
      changepoint: false,
    };
  }

  private trackSeasonality(timestamp: number, value: number): void {
    this.interval.observe(timestamp);
    if (this.buckets === null) {
      if (this.interval.count < this.tuning.seasonalityMinGaps) return;
      this.buckets = new BucketHistory(chooseBucketMs(this.interval.intervalMs));
      for (let i = this.historyTimes.size - 1; i >= 0; i--) {
        this.buckets.add(this.historyTimes.last(i), this.historyValues.last(i));
      }
    }
    const buckets = this.buckets;
    buckets.add(timestamp, value);
    if (timestamp < this.nextSeasonalityCheck || buckets.spanMs < this.tuning.seasonality.minDailySpanMs)
      return;
    // Test often while the history is young, then daily: a decision rarely changes once a week is seen.
    this.nextSeasonalityCheck =
      timestamp + (buckets.spanMs < WEEK_MS ? this.tuning.seasonalityEveryMs : DAY_MS);
    const next = decideSeasonality(buckets, this.decision, this.tuning.seasonality);
    const changed = next.daily !== this.decision.daily || next.weekly !== this.decision.weekly;
    this.decision = next;
    if (changed) {
      this.rebuild(buckets);
      this.events.rebase();
    }
  }

  /** rebuild starts a scorer with the new seasonal profiles and replays the held history through it. */
  private rebuild(buckets: BucketHistory): void {
    const profiles: SeasonalProfile[] = [];
    const bucketMs = buckets.bucketMs;
    if (this.decision.daily) profiles.push({ periodMs: DAY_MS, bucketMs, values: buckets.profile(DAY_MS) });
    if (this.decision.weekly) {
      const daily = profiles[0];
      const base =
        daily === undefined
          ? undefined
          : (t: number) => daily.values[Math.floor(t / bucketMs) % daily.values.length] ?? 0;
      profiles.push({ periodMs: WEEK_MS, bucketMs, values: buckets.profile(WEEK_MS, base) });
    }
    this.scorer = new ResidualScorer(this.tuning, profiles);
    for (let i = this.historyTimes.size - 1; i >= 0; i--) {
      this.scorer.step(this.historyTimes.last(i), this.historyValues.last(i));
    }
  }
}

/**
 * createDetector starts a streaming detector for one series.
 *
 * @example
 * const detector = createDetector({ sensitivity: 'medium' });
 * for (const point of points) {
 *   const verdict = detector.update(point); // { expected, lower, upper, score, anomaly, changepoint, ... }
 * }
 */
export function createDetector(options: DetectorOptions = {}): Detector {
  return new StreamingDetector(options);
}
