// Anomaly events: a streaming layer over the detector's forecast that turns anomalous points into events
// with a start, an end (or still ongoing), a peak, a direction and a kind. While an event lasts, every
// point is judged against the baseline frozen when it opened (the detector's seasonal-trend forecast at
// that moment, `reference`), with the residual scale frozen too, so the event's own residuals neither
// move the reference nor widen the bar: the event ends when the series returns to the pre-event
// baseline, or, if it never does, after `newNormalPoints` points or `newNormalMs`, when the new level is declared the
// new normal (resolution `new_normal`; the detector has re-learnt it by then).
//
// An event opens on any of three tests, each calibrated on the residual scale s of calm points (a
// median absolute deviation over the last `scaleWindow` calm residuals, relative to the forecast for a
// positive series, whose noise usually grows with its level, with a Poisson floor √expected for counts):
//   point:  |r| ≥ openSigmas·s                       (a spike or the first point of a step);
//   run:    the median of the last `runPoints` r/s ≥ runSigmas in one direction (a step too small for
//           the point test);
//   shift:  a two-sided CUSUM of r/s (Page 1954, Biometrika 41) with allowance cusumK and decision
//           interval cusumH (a small lasting shift no single point reveals);
//   trend:  the forecast's own level moved steadily by driftSigmas·s over driftWindow points, the same
//           way in both halves (a slow drift the forecast keeps up with leaves no residual to see).
// A shift or a trend is judged against the level from before it began (where the CUSUM left zero, or
// the start of the trend window), and starts there.
// An event is over when `quietPoints` points in a row lie within quietSigmas·s of the reference, with
// a mean |r|/s below returnSigmas (back at the baseline, not hovering near the bar); its end is the
// last point outside. Its kind: `spike` when it lasted at most `spikePoints` points, else
// `variance_change` when its outside points go both ways, `trend_change` when the trend test opened it
// or its second half is clearly further out than its first, else `level_shift`. Non-finite values are
// `missing_data` events, as are gaps of more than `gapIntervals` sampling intervals.
import { RingBuffer } from './ring-buffer.js';
import { medianInPlace, robustScaleInPlace } from './robust.js';

/** EventKind names what an event looks like. */
export type EventKind = 'spike' | 'level_shift' | 'trend_change' | 'variance_change' | 'missing_data';

/** EventResolution says how an event ended. */
export type EventResolution = 'ongoing' | 'returned' | 'new_normal';

/** AnomalyEvent is one anomaly from its start to its end; timestamps in epoch milliseconds. */
export interface AnomalyEvent {
  readonly start: number;
  /** end is the last point outside the pre-event baseline; null while ongoing. */
  readonly end: number | null;
  readonly ongoing: boolean;
  readonly resolution: EventResolution;
  readonly kind: EventKind;
  readonly direction: 'up' | 'down';
  /** peak is the point furthest from the reference, with the reference value there. */
  readonly peak: { readonly timestamp: number; readonly value: number; readonly expected: number };
  /** size is peak.value − peak.expected; relativeSize divides it by |peak.expected| (null at 0). */
  readonly size: number;
  readonly relativeSize: number | null;
  /** durationMs is end − start (to the last point seen while ongoing); points counts the points in it. */
  readonly durationMs: number;
  readonly points: number;
}

/** EventTuning holds the event layer's constants (EVENT_TUNING documents the defaults). */
export interface EventTuning {
  readonly warmupPoints: number;
  readonly rebaseWarmupPoints: number;
  readonly scaleWindow: number;
  readonly scaleEveryPoints: number;
  readonly openSigmas: number;
  readonly runPoints: number;
  readonly runSigmas: number;
  readonly driftWindow: number;
  readonly driftSigmas: number;
  readonly cusumK: number;
  readonly cusumH: number;
  readonly quietSigmas: number;
  readonly quietPoints: number;
  readonly returnSigmas: number;
  readonly spikePoints: number;
  readonly newNormalPoints: number;
  readonly newNormalMs: number;
  readonly gapIntervals: number;
}

export const EVENT_TUNING: EventTuning = {
  warmupPoints: 60, // residuals needed before the first scale
  rebaseWarmupPoints: 60, // after a forecast rebuild (24 was tried: more false events on bench/anomaly.ts)
  scaleWindow: 512,
  scaleEveryPoints: 32,
  openSigmas: 4, // on the generated traffic: no false opening in 3 × 33 calm days, 8 sd spikes all found
  runPoints: 6,
  runSigmas: 2.5, // the median of 6 N(0,1) has sd ≈ 0.5: 2.5 is 5 of its sd
  driftWindow: 300, // the trend test: the forecast's level moved steadily by driftSigmas·s in 300 points
  driftSigmas: 2,
  cusumK: 1, // tuned for shifts of 2σ and more; 0.5 fired on the autocorrelated misfit of a young seasonal profile
  cusumH: 10,
  quietSigmas: 2,
  quietPoints: 5,
  returnSigmas: 1, // and their mean |r|/s is below 1: back at the baseline, not hovering near the bar
  spikePoints: 2,
  newNormalPoints: 1000, // a shift that has not returned after 1000 points or 7 days is the new normal
  newNormalMs: 7 * 86_400_000,
  gapIntervals: 3,
};

/** Reference is the frozen forecast of an open event: timestamp and points since opening → value. */
export interface Reference {
  expected(timestamp: number, stepsSinceOpen: number): number;
}

/** EventInput is what the detector knows about one finite point. */
export interface EventInput {
  readonly timestamp: number;
  readonly value: number;
  /** expected is the detector's forecast for the point. */
  readonly expected: number;
  /** level is the detector's level before this point (the forecast without its seasonal part). */
  readonly level: number;
  /** nonNegative: the series has only been ≥ 0 so far; integer: only integers so far. */
  readonly nonNegative: boolean;
  readonly integer: boolean;
}

/** EventVerdict is the layer's view of one point. */
export interface EventVerdict {
  /** opened: this point opened an event by the point test (it is far outside the calm band). */
  readonly openedByPoint: boolean;
  /** evidence: the point test's |r|/(openSigmas·s) outside events (opens at the sensitivity cutoff); 0 inside. */
  readonly evidence: number;
  /** inEvent: the point belongs to an open event (it may yet be trimmed from its end). */
  readonly inEvent: boolean;
  /** reference and scale: the detector's forecast for this point and the calm residual scale there. */
  readonly reference: number;
  readonly scale: number;
}

interface OpenEvent {
  start: number;
  lastOutside: number;
  lastSeen: number;
  direction: 1 | -1;
  byDrift: boolean;
  reference: Reference;
  scale: number;
  relative: boolean;
  steps: number;
  points: number;
  outsidePoints: number;
  againstDirection: number;
  quiet: number;
  quietSum: number;
  peakTimestamp: number;
  peakValue: number;
  peakExpected: number;
  peakDistance: number;
  firstHalfSum: number;
  firstHalfCount: number;
  deviations: number[];
}

/**
 * EventTracker builds events from a stream of points and the detector's forecasts. `snapshot` is
 * called when an event opens and returns the frozen pre-event forecast.
 */
export class EventTracker {
  private readonly t: EventTuning;
  private readonly calm: RingBuffer;
  private readonly calmRelative: RingBuffer;
  private readonly scratch: Float64Array;
  private readonly recentZ: RingBuffer;
  private readonly recentT: RingBuffer;
  private readonly zScratch: Float64Array;
  private readonly closed: AnomalyEvent[] = [];
  private open: OpenEvent | null = null;
  private missingOpen: { start: number; lastSeen: number; points: number; expected: number } | null = null;
  private sigmaAbs = Number.NaN;
  private sigmaRel = Number.NaN;
  private age = Number.POSITIVE_INFINITY;
  private cusumUp = 0;
  private upFrom = { timestamp: 0, level: Number.NaN, points: 0 };
  private downFrom = { timestamp: 0, level: Number.NaN, points: 0 };
  private seen = 0;
  private shadow: Reference | null = null;
  private shadowSteps = 0;
  /** shadowAgree counts the points in a row where the owner's forecast agreed with the shadow. */
  private shadowAgree = 0;
  /** shadowAge: points since the return (the shadow lasts newNormalPoints at most). */
  private shadowAge = 0;
  /** shadowNeed: that many agreeing points end the shadow (as many as the event lasted: the forecast learnt from all of them). */
  private shadowNeed = 0;
  private gapReported = false;
  /** rebased: the calm residuals were dropped once; the scale restarts after rebaseWarmupPoints. */
  private rebased = false;
  private readonly levels: RingBuffer;
  private readonly levelTimes: RingBuffer;
  private cusumDown = 0;
  private lastTimestamp = Number.NaN;
  private intervalMs = Number.NaN;
  private lastValue = Number.NaN;

  /** pointSigmas: the point test's bar, openSigmas times the sensitivity cutoff. */
  private readonly pointSigmas: number;

  /**
   * onReturn is called when an event of more than runPoints points ends with the series back at its
   * pre-event baseline, with that baseline and the points since it was frozen (the owner restores it).
   * Without one, the tracker keeps that baseline as its own reference (a shadow of the forecast)
   * until the owner's forecast has come back to it.
   */
  onReturn: ((reference: Reference, steps: number) => void) | null = null;

  constructor(tuning: Partial<EventTuning> = {}, cutoff = 1) {
    this.t = { ...EVENT_TUNING, ...tuning };
    this.pointSigmas = this.t.openSigmas * cutoff;
    this.calm = new RingBuffer(this.t.scaleWindow);
    this.calmRelative = new RingBuffer(this.t.scaleWindow);
    this.scratch = new Float64Array(this.t.scaleWindow);
    this.recentZ = new RingBuffer(this.t.runPoints);
    this.recentT = new RingBuffer(this.t.runPoints);
    this.levels = new RingBuffer(this.t.driftWindow);
    this.levelTimes = new RingBuffer(this.t.driftWindow);
    this.zScratch = new Float64Array(this.t.runPoints);
  }

  /** openSigmas is the point test's bar in residual scales at sensitivity cutoff 1. */
  get openSigmas(): number {
    return this.t.openSigmas;
  }

  /** scaleAt is the residual scale for a forecast: relative for a positive series, with a Poisson floor for counts. */
  private scaleAt(expected: number, input: EventInput): { scale: number; relative: boolean } {
    const relative = input.nonNegative && Number.isFinite(this.sigmaRel) && this.calmRelative.size > 0;
    let s = relative ? this.sigmaRel * Math.abs(expected) : this.sigmaAbs;
    if (!(s > 0) || !Number.isFinite(s)) s = this.sigmaAbs;
    if (input.integer && input.nonNegative) s = Math.max(s, Math.sqrt(Math.max(expected, 1)));
    const floor = 1e-9 * (Math.abs(expected) + 1);
    return { scale: Math.max(Number.isFinite(s) ? s : 0, floor), relative };
  }

  private refreshScale(): void {
    let n = this.calm.copyTo(this.scratch);
    this.sigmaAbs = n > 0 ? robustScaleInPlace(this.scratch, n).sigma : Number.NaN;
    n = this.calmRelative.copyTo(this.scratch);
    this.sigmaRel = n > 0 ? robustScaleInPlace(this.scratch, n).sigma : Number.NaN;
    this.age = 0;
  }

  /** observeGap records a timestamp's gap; a gap of several intervals is a missing-data event. */
  private observeGap(timestamp: number): void {
    const gap = timestamp - this.lastTimestamp;
    if (gap > 0) {
      if (
        Number.isFinite(this.intervalMs) &&
        gap > this.t.gapIntervals * this.intervalMs &&
        !this.gapReported
      ) {
        const expected = Number.isNaN(this.lastValue) ? 0 : this.lastValue;
        this.closed.push({
          start: this.lastTimestamp + this.intervalMs,
          end: timestamp - this.intervalMs,
          ongoing: false,
          resolution: 'returned',
          kind: 'missing_data',
          direction: 'down',
          peak: { timestamp: this.lastTimestamp + this.intervalMs, value: Number.NaN, expected },
          size: Number.NaN,
          relativeSize: null,
          durationMs: Math.max(0, timestamp - this.intervalMs - (this.lastTimestamp + this.intervalMs)),
          points: Math.max(1, Math.round(gap / this.intervalMs) - 1),
        });
      }
      // The interval: a slow exponential average of gaps that are not themselves gaps.
      if (!Number.isFinite(this.intervalMs)) this.intervalMs = gap;
      else if (gap <= this.t.gapIntervals * this.intervalMs)
        this.intervalMs += 0.05 * (gap - this.intervalMs);
    }
    if (!(timestamp <= this.lastTimestamp)) this.lastTimestamp = timestamp;
    this.gapReported = false;
  }

  /**
   * rebase is called when the detector rebuilds its forecast (a seasonal cycle found or lost): an open
   * event's frozen baseline came from the old model, so the event ends as the new normal, and the calm
   * residuals, measured against the old model, are dropped (the scale is learnt again).
   */
  rebase(): void {
    if (this.open !== null) this.closeOpen(this.open, 'new_normal');
    this.shadow = null;
    this.calm.clear();
    this.calmRelative.clear();
    this.age = Number.POSITIVE_INFINITY;
    this.rebased = true;
  }

  /** missing records a non-finite value: it opens or extends a missing-data event. */
  missing(timestamp: number): void {
    if (this.missingOpen === null) {
      const expected = Number.isNaN(this.lastValue) ? 0 : this.lastValue;
      this.missingOpen = { start: timestamp, lastSeen: timestamp, points: 1, expected };
    } else {
      this.missingOpen.lastSeen = timestamp;
      this.missingOpen.points += 1;
    }
  }

  private closeMissing(): void {
    const m = this.missingOpen;
    if (m === null) return;
    this.gapReported = true;
    this.closed.push(missingEvent(m, false));
    this.missingOpen = null;
  }

  /** update scores one finite point; `snapshot` freezes the current forecast when an event opens. */
  update(given: EventInput, snapshot: (level: number) => Reference): EventVerdict {
    let input = given;
    let take = snapshot;
    const shadow = this.shadow;
    if (shadow !== null) {
      // After a return, the pre-event baseline stays the reference until the detector's own forecast
      // has agreed with it for as many points as the event lasted (or for newNormalPoints after the
      // return at most). The detector's forecast can stay distorted long after an event: its seasonal
      // profile was rescaled at the event's onset (multiplicative re-baseline) and is re-learnt slowly.
      this.shadowSteps += 1;
      const steps = this.shadowSteps;
      const ref = shadow.expected(given.timestamp, steps);
      const s = this.scaleAt(ref, given).scale;
      this.shadowAgree = Math.abs(given.expected - ref) <= this.t.returnSigmas * s ? this.shadowAgree + 1 : 0;
      this.shadowAge += 1;
      if (this.shadowAgree >= this.shadowNeed || this.shadowAge > this.t.newNormalPoints) {
        this.shadow = null;
      } else {
        input = { ...given, expected: ref };
        take = () => ({ expected: (t: number, k: number) => shadow.expected(t, steps + k) });
        this.levels.clear();
        this.levelTimes.clear();
      }
    }
    const { timestamp, value, expected } = input;
    this.seen += 1;
    this.closeMissing();
    this.observeGap(timestamp);
    this.lastValue = value;
    const open = this.open;
    if (open !== null) return this.continueEvent(open, input);

    const warm = this.calm.size >= (this.rebased ? this.t.rebaseWarmupPoints : this.t.warmupPoints);
    if (warm && this.age >= this.t.scaleEveryPoints) this.refreshScale();
    // After a forecast rebuild the scale is learnt again, but points are still judged meanwhile,
    // with the scale measured against the old model (wider: it missed the cycle just found), so
    // a spike right after a weekly cycle is found is not missed (bench/anomaly.ts: day 15).
    const ready = warm || (this.rebased && Number.isFinite(this.sigmaAbs) && this.sigmaAbs > 0);
    this.age += 1;
    const { scale, relative } = this.scaleAt(expected, input);
    const r = value - expected;
    let z = r / scale;
    if (input.integer && input.nonNegative && expected < 100) {
      // Small counts: Poisson tails are heavier than the Gaussian's; the Anscombe transform
      // 2√(x + 3/8) makes a Poisson count about N(0, 1) (Anscombe 1948, Biometrika 35). The smaller
      // of the two standardised residuals is used, so overdispersed counts keep their wider scale.
      const za = 2 * (Math.sqrt(value + 0.375) - Math.sqrt(Math.max(expected, 0) + 0.375));
      if (Math.abs(za) < Math.abs(z)) z = za;
    }
    if (!ready) {
      this.learnCalm(r, expected);
      return { openedByPoint: false, evidence: 0, inEvent: false, reference: expected, scale };
    }
    this.recentZ.push(z);
    this.recentT.push(timestamp);
    const k = this.t.cusumK;
    // Each side remembers where it last left zero: a drift's start, and the level the forecast had then.
    if (this.cusumUp === 0) this.upFrom = { timestamp, level: input.level, points: this.seen };
    if (this.cusumDown === 0) this.downFrom = { timestamp, level: input.level, points: this.seen };
    this.cusumUp = Math.max(0, this.cusumUp + Math.min(z, 8) - k);
    this.cusumDown = Math.max(0, this.cusumDown - Math.max(z, -8) - k);
    const byPoint = Math.abs(z) >= this.pointSigmas;
    let runDirection = 0;
    if (this.recentZ.size >= this.t.runPoints) {
      const n = this.recentZ.copyTo(this.zScratch);
      const m = medianInPlace(this.zScratch, n);
      if (Math.abs(m) >= this.t.runSigmas) runDirection = Math.sign(m);
    }
    const cusumDirection = this.cusumUp >= this.t.cusumH ? 1 : this.cusumDown >= this.t.cusumH ? -1 : 0;
    // The trend test: the forecast's own level has moved steadily, by driftSigmas·s over the window,
    // the same way in both halves (a drift the forecast keeps up with leaves no residual to see).
    this.levels.push(input.level);
    this.levelTimes.push(timestamp);
    let trendDirection = 0;
    if (this.levels.size === this.t.driftWindow) {
      const old = this.levels.last(this.t.driftWindow - 1);
      const mid = this.levels.last(this.t.driftWindow >> 1);
      const moved = input.level - old;
      const unit = this.scaleAt(Math.abs(input.level), input).scale;
      if (
        Math.abs(moved) >= this.t.driftSigmas * unit &&
        Math.sign(mid - old) === Math.sign(moved) &&
        Math.sign(input.level - mid) === Math.sign(moved) &&
        Math.min(Math.abs(mid - old), Math.abs(input.level - mid)) >= 0.25 * Math.abs(moved)
      )
        trendDirection = Math.sign(moved);
    }
    const driftDirection = trendDirection !== 0 ? trendDirection : cusumDirection;
    if (!byPoint && runDirection === 0 && driftDirection === 0) {
      this.learnCalm(r, expected);
      return {
        openedByPoint: false,
        evidence: Math.abs(z) / this.t.openSigmas,
        inEvent: false,
        reference: expected,
        scale,
      };
    }
    const direction: 1 | -1 = byPoint
      ? z > 0
        ? 1
        : -1
      : runDirection !== 0
        ? runDirection > 0
          ? 1
          : -1
        : driftDirection > 0
          ? 1
          : -1;
    // A run or a drift started before this point: its start is the first of the recent points on its side.
    let startBack = 0;
    if (!byPoint) {
      const limit = runDirection !== 0 ? this.recentZ.size : 0;
      for (let i = 1; i < limit; i++) {
        if (direction * this.recentZ.last(i) > this.t.quietSigmas) startBack = i;
        else break;
      }
    }
    const byDrift = !byPoint && runDirection === 0 && trendDirection !== 0;
    const byCusum = !byPoint && runDirection === 0 && !byDrift;
    const from = byDrift
      ? {
          timestamp: this.levelTimes.last(this.t.driftWindow - 1),
          level: this.levels.last(this.t.driftWindow - 1),
          points: this.seen - this.t.driftWindow + 1,
        }
      : direction > 0
        ? this.upFrom
        : this.downFrom;
    // A drift is judged against the level from before it began: the forecast has been chasing it since.
    const frozen = take(byDrift || byCusum ? from.level : Number.NaN);
    this.open = {
      start: timestamp,
      lastOutside: timestamp,
      lastSeen: timestamp,
      direction,
      byDrift,
      reference: frozen,
      scale: this.sigmaFrozen(relative),
      relative,
      steps: 0,
      points: 1,
      outsidePoints: 1,
      againstDirection: 0,
      quiet: 0,
      quietSum: 0,
      peakTimestamp: timestamp,
      peakValue: value,
      peakExpected: expected,
      peakDistance: Math.abs(z),
      firstHalfSum: Math.abs(r),
      firstHalfCount: 1,
      deviations: [direction * z],
    };
    if (startBack > 0) {
      this.open.start = this.recentT.last(startBack);
      this.open.points += startBack;
    } else if ((byDrift || byCusum) && from.points < this.seen) {
      this.open.start = from.timestamp;
      this.open.points += this.seen - from.points;
    }
    this.cusumUp = 0;
    this.cusumDown = 0;
    this.recentZ.clear();
    this.recentT.clear();
    return {
      openedByPoint: byPoint,
      evidence: Math.abs(z) / this.t.openSigmas,
      inEvent: true,
      reference: expected,
      scale,
    };
  }

  private sigmaFrozen(relative: boolean): number {
    return relative ? this.sigmaRel : this.sigmaAbs;
  }

  private learnCalm(r: number, expected: number): void {
    this.calm.push(r);
    if (Math.abs(expected) > 0) this.calmRelative.push(r / Math.abs(expected));
  }

  private continueEvent(open: OpenEvent, input: EventInput): EventVerdict {
    const { timestamp, value } = input;
    // A spike inside a longer event: far from the detector's current forecast once that forecast has
    // caught up with the event (the recent points sit close to it). It is its own one-point event.
    const current = this.scaleAt(input.expected, input);
    const zNow = (value - input.expected) / current.scale;
    let settled = false;
    if (this.recentZ.size >= this.t.runPoints - 1) {
      const n = this.recentZ.copyTo(this.zScratch);
      for (let i = 0; i < n; i++) this.zScratch[i] = Math.abs(this.zScratch[i] ?? 0);
      settled = medianInPlace(this.zScratch, n) < this.t.quietSigmas;
    }
    // It must also be outside the pre-event band: a return to the baseline is not a spike.
    const zRef =
      (value - open.reference.expected(timestamp, open.steps + 1)) / Math.max(current.scale, 1e-300);
    this.recentZ.push(zNow);
    if (
      settled &&
      Math.abs(zNow) >= this.pointSigmas &&
      Math.abs(zRef) >= this.t.quietSigmas &&
      open.points > this.t.runPoints
    ) {
      const size = value - input.expected;
      this.closed.push({
        start: timestamp,
        end: timestamp,
        ongoing: false,
        resolution: 'returned',
        kind: 'spike',
        direction: size > 0 ? 'up' : 'down',
        peak: { timestamp, value, expected: input.expected },
        size,
        relativeSize: input.expected !== 0 ? size / Math.abs(input.expected) : null,
        durationMs: 0,
        points: 1,
      });
      open.steps += 1;
      open.points += 1;
      open.lastSeen = timestamp;
      return {
        openedByPoint: true,
        evidence: Math.abs(zNow) / this.t.openSigmas,
        inEvent: true,
        reference: input.expected,
        scale: current.scale,
      };
    }
    open.steps += 1;
    open.points += 1;
    open.lastSeen = timestamp;
    let reference = open.reference.expected(timestamp, open.steps);
    if (input.nonNegative) reference = Math.max(0, reference);
    let scale = open.relative ? open.scale * Math.abs(reference) : open.scale;
    if (input.integer && input.nonNegative) scale = Math.max(scale, Math.sqrt(Math.max(reference, 1)));
    scale = Math.max(scale, 1e-9 * (Math.abs(reference) + 1));
    const z = (value - reference) / scale;
    const outside = Math.abs(z) >= this.t.quietSigmas;
    if (outside) {
      open.lastOutside = timestamp;
      open.outsidePoints += 1;
      if (Math.sign(z) !== open.direction) open.againstDirection += 1;
      open.quiet = 0;
      open.quietSum = 0;
      if (Math.abs(z) > open.peakDistance) {
        open.peakDistance = Math.abs(z);
        open.peakTimestamp = timestamp;
        open.peakValue = value;
        open.peakExpected = reference;
      }
    } else {
      open.quiet += 1;
      open.quietSum += Math.abs(z);
    }
    open.deviations.push(open.direction * z);
    if (open.quiet >= this.t.quietPoints && open.quietSum < this.t.returnSigmas * open.quiet) {
      this.closeOpen(open, 'returned');
    } else if (open.steps >= this.t.newNormalPoints || timestamp - open.start >= this.t.newNormalMs) {
      this.closeOpen(open, 'new_normal');
    }
    return {
      openedByPoint: false,
      evidence: 0,
      inEvent: true,
      reference: input.expected,
      scale: current.scale,
    };
  }

  private closeOpen(open: OpenEvent, resolution: EventResolution): void {
    this.closed.push(describe(open, resolution, this.t));
    this.open = null;
    if (resolution === 'returned' && open.points > this.t.runPoints) {
      if (this.onReturn !== null) this.onReturn(open.reference, open.steps);
      else {
        this.shadow = open.reference;
        this.shadowSteps = open.steps;
        this.shadowAgree = 0;
        this.shadowAge = 0;
        this.shadowNeed = Math.max(2 * this.t.runPoints, Math.min(this.t.newNormalPoints, open.points));
      }
    }
    // The scale keeps the pre-event calm residuals; the run window starts afresh. The trend test's
    // window restarts after an event long enough for the forecast's level to have moved with it.
    this.recentZ.clear();
    this.recentT.clear();
    if (open.points > this.t.runPoints) {
      this.levels.clear();
      this.levelTimes.clear();
    }
    this.cusumUp = 0;
    this.cusumDown = 0;
    this.age = Number.POSITIVE_INFINITY;
  }

  /** takeClosed returns the events closed since the last call. */
  takeClosed(): AnomalyEvent[] {
    return this.closed.splice(0, this.closed.length);
  }

  /** current is the open event, described as ongoing (null when none). */
  current(): AnomalyEvent | null {
    if (this.missingOpen !== null) return missingEvent(this.missingOpen, true);
    return this.open === null ? null : describe(this.open, 'ongoing', this.t);
  }
}

function missingEvent(
  m: { start: number; lastSeen: number; points: number; expected: number },
  ongoing: boolean,
): AnomalyEvent {
  return {
    start: m.start,
    end: ongoing ? null : m.lastSeen,
    ongoing,
    resolution: ongoing ? 'ongoing' : 'returned',
    kind: 'missing_data',
    direction: 'down',
    peak: { timestamp: m.start, value: Number.NaN, expected: m.expected },
    size: Number.NaN,
    relativeSize: null,
    durationMs: m.lastSeen - m.start,
    points: m.points,
  };
}

/**
 * isSpike: the event lasted at most `spikePoints` points, or it is such a spike followed by a few
 * points of noise that happened to sit outside the quiet band (a forecast a little off after the
 * spike): no later point goes on in the spike's direction past the opening bar or half the spike's
 * peak, at most one or half of them are outside the quiet band, and there are few of them. Classifying on length alone called ~40% of generated spikes
 * level shifts (bench/anomaly.ts).
 */
function isSpike(trimmed: readonly number[], open: OpenEvent, t: EventTuning): boolean {
  if (open.byDrift) return false;
  if (trimmed.length <= t.spikePoints) return true;
  const tail = trimmed.slice(t.spikePoints);
  if (tail.length > 2 * t.runPoints) return false;
  // Deviations are signed in the event's direction: a later point on the other side is noise
  // around the baseline, not the spike going on.
  let peak = 0;
  for (const d of trimmed.slice(0, t.spikePoints)) peak = Math.max(peak, d);
  const bar = Math.max(t.openSigmas, peak / 2);
  let outside = 0;
  for (const d of tail) {
    if (d >= bar) return false;
    if (d >= t.quietSigmas) outside += 1;
  }
  return outside <= Math.max(1, tail.length / 2);
}

function classify(open: OpenEvent, t: EventTuning): EventKind {
  const trimmed = open.deviations.slice(0, Math.max(1, open.deviations.length - open.quiet));
  if (isSpike(trimmed, open, t)) return 'spike';
  if (open.againstDirection >= 0.3 * open.outsidePoints && open.againstDirection >= 2)
    return 'variance_change';
  if (open.byDrift) return 'trend_change';
  const half = trimmed.length >> 1;
  if (half >= 8) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < half; i++) a += trimmed[i] ?? 0;
    for (let i = half; i < 2 * half; i++) b += trimmed[i] ?? 0;
    a /= half;
    b /= half;
    if (b > 2 * a + 2 && b - a > 3) return 'trend_change';
  }
  return 'level_shift';
}

function describe(open: OpenEvent, resolution: EventResolution, t: EventTuning): AnomalyEvent {
  const ongoing = resolution === 'ongoing';
  const end = ongoing ? null : open.lastOutside;
  const size = open.peakValue - open.peakExpected;
  const lastPoint = ongoing ? open.lastSeen : open.lastOutside;
  const pointsIn = ongoing ? open.points : Math.max(1, open.points - open.quiet);
  return {
    start: open.start,
    end,
    ongoing,
    resolution,
    kind: classify(open, t),
    direction: open.direction > 0 ? 'up' : 'down',
    peak: { timestamp: open.peakTimestamp, value: open.peakValue, expected: open.peakExpected },
    size,
    relativeSize: open.peakExpected !== 0 ? size / Math.abs(open.peakExpected) : null,
    durationMs: Math.max(0, lastPoint - open.start),
    points: pointsIn,
  };
}

/** AnomalyEventJson is an event as the API and `vigil detect` show it: ISO times, null for no number. */
export interface AnomalyEventJson {
  readonly start: string;
  readonly end: string | null;
  readonly ongoing: boolean;
  readonly resolution: EventResolution;
  readonly kind: EventKind;
  readonly direction: 'up' | 'down';
  readonly peak: { readonly timestamp: string; readonly value: number | null; readonly expected: number };
  readonly size: number | null;
  readonly relativeSize: number | null;
  readonly durationMs: number;
  readonly points: number;
}

/** eventJson renders an event for JSON (timestamps as ISO 8601, a missing value as null). */
export function eventJson(e: AnomalyEvent): AnomalyEventJson {
  const iso = (ms: number) => new Date(ms).toISOString();
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    start: iso(e.start),
    end: e.end === null ? null : iso(e.end),
    ongoing: e.ongoing,
    resolution: e.resolution,
    kind: e.kind,
    direction: e.direction,
    peak: { timestamp: iso(e.peak.timestamp), value: num(e.peak.value), expected: e.peak.expected },
    size: num(e.size),
    relativeSize: e.relativeSize === null ? null : num(e.relativeSize),
    durationMs: e.durationMs,
    points: e.points,
  };
}
