// Residual scoring against a robust seasonal-trend forecast. Each point gets two pieces of evidence:
//   point: |r| / max(λ·σ, Q(|r|)), a one-step robust ESD test (Rosner 1983; Hochenbaum et al. 2017):
//          λ is the ESD critical value for the residual window and σ its MAD-based scale, and Q is the
//          series' own recent 99.9% tail of |r|, so a heavy-tailed series is judged against its usual
//          extremes (SPOT's data-driven threshold idea, Siffer et al. 2017, KDD);
//   shift: |median of the last k residuals| / max(φ·σ, Q(|median|)), which sees a level shift after
//          about k/2 points even when no single point is extreme.
// Evidence 1 is the threshold. A strong shift re-baselines the model (see changepoint.ts): the level, and
// a slope for a trend shift, are refitted on the points since the change (for a positive series the
// seasonal profiles are first scaled by the regime ratio, as a ×2 in traffic doubles its daily swing),
// the shift's own residuals are rewritten so the shift is reported once, and seasonal learning runs
// faster for one cycle so the new normal is learnt within about a season. The scorer is rebuilt (by
// replaying recent history) when the detected seasonality changes; see detector.ts.
import { fitRegime, locateChange } from './changepoint.js';
import {
  type FrozenForecast,
  type SeasonalProfile,
  SeasonalTrendModel,
  type SmoothingRates,
} from './decompose.js';
import { esdCriticalValue } from './esd.js';
import { RingBuffer } from './ring-buffer.js';
import { medianInPlace, robustScaleInPlace } from './robust.js';
import { WEEK_MS } from './seasonality.js';
import { TailQuantile } from './tail-quantile.js';

/** CycleRates are per-cycle learning rates. */
export interface CycleRates {
  readonly daily: number;
  readonly weekly: number;
}

/** ScorerTuning holds the scorer's constants; DEFAULT_TUNING in detector.ts documents their values. */
export interface ScorerTuning {
  readonly warmupPoints: number;
  readonly residualWindow: number;
  readonly scaleEveryPoints: number;
  readonly tailWindow: number;
  readonly tailQuantile: number;
  readonly tailWinsor: number;
  readonly shiftTailWinsor: number;
  readonly esdAlpha: number;
  readonly shiftWindow: number;
  readonly shiftFloorSigmas: number;
  readonly clipSigmas: number;
  readonly levelRate: number;
  readonly trendRate: number;
  readonly trendDamping: number;
  /** seasonalRates: learning rate of a seasonal bucket, for the daily and the weekly cycle. */
  readonly seasonalRates: CycleRates;
  /** adaptSeasonalRates: the faster rates used for one longest cycle after a re-baseline. */
  readonly adaptSeasonalRates: CycleRates;
  readonly rebaselineEvidence: number;
  readonly changeLookback: number;
  readonly trendSigmas: number;
  readonly multiplicativeRebaseline: boolean;
}

/** StepResult is the scorer's view of one point. */
export interface StepResult {
  readonly expected: number;
  /** threshold is the |residual| at which point evidence reaches 1 (NaN during warm-up). */
  readonly threshold: number;
  /** shiftThreshold is the |median of the last shiftWindow residuals| at which shift evidence reaches 1. */
  readonly shiftThreshold: number;
  readonly pointEvidence: number;
  readonly shiftEvidence: number;
  readonly changepoint: boolean;
}

/** ResidualScorer scores points against its model and keeps the model up to date. */
export class ResidualScorer {
  private readonly t: ScorerTuning;
  private readonly model: SeasonalTrendModel;
  private readonly residuals: RingBuffer;
  private readonly values: RingBuffer;
  private readonly seasonals: RingBuffer;
  private readonly pointTail: TailQuantile;
  private readonly shiftTail: TailQuantile;
  private readonly scratch: Float64Array;
  private readonly scratch2: Float64Array;
  private readonly lambda: number;
  private readonly longestPeriodMs: number;
  private readonly normalRates: SmoothingRates;
  private readonly adaptRates: SmoothingRates;
  private n = 0;
  private sigma = 0;
  private scaleAge = Number.POSITIVE_INFINITY;
  private lastChange = Number.NEGATIVE_INFINITY;
  private adaptUntil = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;
  private calmPoint = 0;
  private calmShift = 0;
  /** shiftOthers holds, sorted, the shiftWindow − 1 residuals before the last scored one (taken when needed). */
  private readonly shiftOthers: Float64Array;
  private shiftOthersCount = 0;
  private shiftOthersKept = false;

  constructor(tuning: ScorerTuning, profiles: readonly SeasonalProfile[] = []) {
    this.t = tuning;
    this.model = new SeasonalTrendModel(profiles);
    this.residuals = new RingBuffer(Math.max(tuning.residualWindow, tuning.changeLookback));
    this.values = new RingBuffer(tuning.changeLookback);
    this.seasonals = new RingBuffer(tuning.changeLookback);
    this.pointTail = new TailQuantile(tuning.tailWindow, tuning.tailQuantile);
    this.shiftTail = new TailQuantile(tuning.tailWindow, tuning.tailQuantile);
    this.scratch = new Float64Array(
      Math.max(tuning.residualWindow, tuning.changeLookback, tuning.shiftWindow),
    );
    this.scratch2 = new Float64Array(tuning.changeLookback);
    this.shiftOthers = new Float64Array(Math.max(0, tuning.shiftWindow - 1));
    this.lambda = esdCriticalValue(tuning.residualWindow, 1, tuning.esdAlpha);
    this.longestPeriodMs = Math.max(0, ...profiles.map((p) => p.periodMs));
    const perCycle = (rates: CycleRates) =>
      profiles.map((p) => (p.periodMs >= WEEK_MS ? rates.weekly : rates.daily));
    const base = { level: tuning.levelRate, trend: tuning.trendRate, trendDamping: tuning.trendDamping };
    this.normalRates = { ...base, seasonal: perCycle(tuning.seasonalRates) };
    this.adaptRates = { ...base, seasonal: perCycle(tuning.adaptSeasonalRates) };
  }

  /** profiles are the seasonal cycles the scorer models. */
  get profiles(): readonly SeasonalProfile[] {
    return this.model.profiles;
  }

  private rates(timestamp: number): SmoothingRates {
    return timestamp < this.adaptUntil ? this.adaptRates : this.normalRates;
  }

  private refreshScale(): void {
    const m = Math.min(this.residuals.size, this.t.residualWindow);
    // Order does not matter for a median, so a full ring is copied in storage order (one memcpy).
    if (m === this.residuals.size) this.residuals.copyTo(this.scratch);
    else this.residuals.copyRecentTo(this.scratch, m);
    const { sigma } = robustScaleInPlace(this.scratch, m);
    const floor = 1e-9 * (Math.abs(this.model.level) + 1);
    this.sigma = Math.max(Number.isFinite(sigma) ? sigma : 0, floor);
    this.scaleAge = 0;
  }

  private recentMedian(): number {
    const m = this.residuals.copyRecentTo(this.scratch, this.t.shiftWindow);
    return medianInPlace(this.scratch, m);
  }

  /** The state before the last step, so a frozen forecast can ignore a re-baseline made at that step. */
  private before = { level: Number.NaN, slope: 0, seasonalFactor: 1 };

  /**
   * freeze is the forecast as it stood before the last scored point, no longer learning (see
   * SeasonalTrendModel.frozen): the pre-event baseline an anomaly event is judged against.
   */
  freeze(level = Number.NaN): FrozenForecast {
    // Held level: a slope fitted while the event built up would carry the baseline along with it.
    const at = Number.isNaN(level) ? this.before.level : level;
    return this.model.frozen(this.t.trendDamping, { ...this.before, level: at, slope: 0 });
  }

  /** level is the model's level before the last scored point. */
  get levelBefore(): number {
    return this.before.level;
  }

  /**
   * restore returns the model to a frozen pre-event state `steps` points later: the series came back
   * to it, so whatever the model learnt from the event is dropped.
   */
  restore(frozen: FrozenForecast, steps: number): void {
    this.model.restore(frozen, steps);
    this.lastChange = this.n;
  }

  step(timestamp: number, value: number): StepResult {
    this.before.level = this.model.level;
    this.before.slope = this.model.slope;
    this.before.seasonalFactor = 1;
    if (value < this.minValue) this.minValue = value;
    const seasonal = this.model.seasonal(timestamp);
    if (Number.isNaN(this.model.level)) {
      this.model.update(timestamp, value, Number.POSITIVE_INFINITY, this.rates(timestamp));
    }
    const expected = this.model.expected(timestamp);
    const r = value - expected;
    this.residuals.push(r);
    this.values.push(value);
    this.seasonals.push(seasonal);
    this.n += 1;
    const shift = this.recentMedian();
    if (this.n <= this.t.warmupPoints) {
      this.pointTail.push(Math.abs(r));
      this.shiftTail.push(Math.abs(shift));
      this.model.update(timestamp, value, Number.POSITIVE_INFINITY, this.rates(timestamp));
      return {
        expected,
        threshold: Number.NaN,
        shiftThreshold: Number.NaN,
        pointEvidence: 0,
        shiftEvidence: 0,
        changepoint: false,
      };
    }
    if (this.scaleAge >= this.t.scaleEveryPoints) this.refreshScale();
    this.scaleAge += 1;
    const threshold = Math.max(this.lambda * this.sigma, this.pointTail.value());
    const pointEvidence = Math.abs(r) / threshold;
    const shiftThreshold = Math.max(this.t.shiftFloorSigmas * this.sigma, this.shiftTail.value());
    const shiftEvidence = Math.abs(shift) / shiftThreshold;
    this.shiftOthersKept = false;
    // The tails learn what is normal for this series. An anomaly enters them winsorised at a multiple of
    // the last calm point's threshold (a cap relative to the current one would ratchet up during a long
    // event), so one event raises the threshold at most that much for a tail window. Some raise is
    // wanted: it damps the aftershocks of a turbulent event (on NAB a 1.5× cap scores 4 points below 3×).
    if (pointEvidence < 1 || !(this.calmPoint > 0)) this.calmPoint = threshold;
    if (shiftEvidence < 1 || !(this.calmShift > 0)) this.calmShift = shiftThreshold;
    this.pointTail.push(Math.min(Math.abs(r), this.t.tailWinsor * this.calmPoint));
    this.shiftTail.push(Math.min(Math.abs(shift), this.t.shiftTailWinsor * this.calmShift));
    const changepoint =
      shiftEvidence >= this.t.rebaselineEvidence && this.n - this.lastChange >= this.t.shiftWindow;
    if (changepoint) {
      // shiftAcceptBand needs the residuals as they were scored; the re-baseline rewrites them.
      this.keepShiftOthers();
      this.rebaseline(timestamp, shift);
    } else {
      this.model.update(timestamp, value, this.t.clipSigmas * this.sigma, this.rates(timestamp));
    }
    return { expected, threshold, shiftThreshold, pointEvidence, shiftEvidence, changepoint };
  }

  /** keepShiftOthers copies the residuals the last shift statistic shared with the scored one (before a re-baseline rewrites them). */
  private keepShiftOthers(): void {
    const m = Math.min(this.residuals.size - 1, this.shiftOthers.length);
    for (let i = 0; i < m; i++) this.shiftOthers[i] = this.residuals.last(i + 1);
    this.shiftOthers.subarray(0, m).sort();
    this.shiftOthersCount = m;
    this.shiftOthersKept = true;
  }

  /**
   * shiftAcceptBand is the interval of residuals the last scored point could have had with the shift
   * statistic (the median of it and the shiftWindow − 1 residuals before it) inside (−bound, bound):
   * [lo, hi] with the statistic strictly inside at both ends, or null when no residual would do (the
   * earlier residuals alone put the median out). The statistic is monotone in the residual.
   */
  shiftAcceptBand(bound: number): { lo: number; hi: number } | null {
    if (!this.shiftOthersKept) this.keepShiftOthers();
    const n = this.shiftOthersCount;
    const s = this.shiftOthers;
    const median = (x: number): number => {
      let pos = 0;
      while (pos < n && (s[pos] ?? 0) <= x) pos++;
      const at = (j: number) => (j < pos ? (s[j] ?? 0) : j === pos ? x : (s[j - 1] ?? 0));
      return at((n + 1) >> 1); // medianInPlace's median: the element at index ⌊size/2⌋
    };
    if (n === 0) return bound > 0 ? { lo: -bound, hi: bound } : null;
    const first = s[0] ?? 0;
    const last = s[n - 1] ?? 0;
    // Outside [first, last] the median no longer moves with x; inside, bisect the crossing.
    const lo = (() => {
      if (median(Math.min(first, -bound)) > -bound) return Number.NEGATIVE_INFINITY;
      if (median(Math.max(last, bound)) <= -bound) return null;
      let a = Math.min(first, -bound); // median(a) <= -bound
      let b = Math.max(last, bound); // median(b) > -bound
      for (let i = 0; i < 60; i++) {
        const mid = a + (b - a) / 2;
        if (median(mid) > -bound) b = mid;
        else a = mid;
      }
      return b;
    })();
    const hi = (() => {
      if (median(Math.max(last, bound)) < bound) return Number.POSITIVE_INFINITY;
      if (median(Math.min(first, -bound)) >= bound) return null;
      let a = Math.min(first, -bound); // median(a) < bound
      let b = Math.max(last, bound); // median(b) >= bound
      for (let i = 0; i < 60; i++) {
        const mid = a + (b - a) / 2;
        if (median(mid) < bound) a = mid;
        else b = mid;
      }
      return a;
    })();
    if (lo === null || hi === null || lo > hi) return null;
    return { lo, hi };
  }

  /**
   * multiplicativeRatio is the new regime's size relative to the old forecast, median(x / (level + S)),
   * when the series has only been positive (a ×2 in traffic doubles its daily swing too); NaN otherwise.
   */
  private multiplicativeRatio(count: number): number {
    const level = this.model.level;
    if (!this.t.multiplicativeRebaseline || !(this.minValue > 0) || !(level > 0)) return Number.NaN;
    for (let i = 0; i < count; i++) {
      const base = level + this.seasonals.last(i);
      if (!(base > 0)) return Number.NaN;
      this.scratch2[i] = this.values.last(i) / base;
    }
    const ratio = medianInPlace(this.scratch2, count);
    return Math.min(20, Math.max(0.05, ratio));
  }

  /**
   * rebaseline refits the level and slope on the deseasonalised values since the located change, after
   * scaling the seasonal profiles by the regime ratio when the series is positive.
   */
  private rebaseline(timestamp: number, shift: number): void {
    const lookback = Math.min(this.residuals.size, this.values.size, this.t.changeLookback);
    this.residuals.copyRecentTo(this.scratch, lookback);
    const length = Math.max(Math.ceil(this.t.shiftWindow / 2), locateChange(this.scratch, lookback, shift));
    const count = Math.min(length, lookback);
    // A positive series is assumed multiplicative: a ×2 in traffic doubles its daily swing too, so the
    // seasonal profiles scale with the regime. Noise-scale state is left alone (see the tails above).
    const ratio = this.multiplicativeRatio(count);
    if (!Number.isNaN(ratio)) {
      this.model.scaleSeasonal(ratio);
      this.before.seasonalFactor = ratio;
      for (let i = 0; i < this.seasonals.size; i++) this.seasonals.setLast(i, this.seasonals.last(i) * ratio);
    }
    for (let i = 0; i < count; i++) this.scratch2[i] = this.values.last(i) - this.seasonals.last(i);
    const fit = fitRegime(this.scratch2, count, this.sigma, this.t.trendSigmas);
    this.model.level = fit.level;
    this.model.slope = fit.slope;
    // Rewrite the new regime's residuals as the refitted model would have made them, so the shift
    // statistic falls back at once and the shift is reported once.
    for (let i = 0; i < count; i++)
      this.residuals.setLast(i, (this.scratch2[i] ?? 0) - (fit.level - fit.slope * i));
    this.scaleAge = Number.POSITIVE_INFINITY;
    this.lastChange = this.n;
    if (this.longestPeriodMs > 0) this.adaptUntil = timestamp + this.longestPeriodMs;
  }
}
