// Seasonality detection from timestamps and values, by lagged differences. A period P is present when the
// values one period apart differ much less than values at neighbouring lags: the robust scale of
// x(t) - x(t-P) against the mean of those at lags P-Δ and P+Δ (Δ = P/2 for daily, one day for weekly).
// Differencing cancels level and slow trend without fitting them, and comparing with neighbouring lags
// cancels the drift that makes any longer lag look worse. It is the variogram view of seasonality
// (Cressie 1993, "Statistics for Spatial Data", §2.3), read at the candidate periods only, in the spirit
// of Wang, Smith & Hyndman's seasonal-strength feature (2006, "Characteristic-based clustering for time
// series data", Data Min. Knowl. Disc. 13). Values are first averaged into time buckets, so gaps and
// irregular sampling only leave empty buckets, which the differences skip.
import { RingBuffer } from './ring-buffer.js';
import { medianInPlace, selectInPlace } from './robust.js';

/** DAY_MS is one day in milliseconds. */
export const DAY_MS = 86_400_000;
/** WEEK_MS is one week in milliseconds. */
export const WEEK_MS = 7 * DAY_MS;

/** SeasonalityKind names which of the daily and weekly cycles a series shows. */
export type SeasonalityKind = 'none' | 'daily' | 'weekly' | 'several';

/** Seasonality is the detected cycles, their strengths (1 - lag ratio, null when too little data) and the bucket width. */
export interface Seasonality {
  readonly kind: SeasonalityKind;
  readonly periodsMs: readonly number[];
  readonly strength: { readonly daily: number | null; readonly weekly: number | null };
  readonly bucketMs: number;
}

/** SeasonalityThresholds decide when a cycle is switched on, and how far it must fade to be switched off. */
export interface SeasonalityThresholds {
  /** dailyStrength: switch daily on above this strength (1 - lag-1d ratio). */
  readonly dailyStrength: number;
  /** weeklyStrength: switch weekly on above this strength (1 - lag-7d ratio). */
  readonly weeklyStrength: number;
  /** hysteresis: a detected cycle is dropped only below its threshold minus this, so decisions do not flap. */
  readonly hysteresis: number;
  /** minDailySpanMs: history needed before testing daily (two days: one day of lag-1.5d pairs). */
  readonly minDailySpanMs: number;
  /** minWeeklySpanMs: history needed before testing weekly (three weeks, so that two weeks of pairs exist). */
  readonly minWeeklySpanMs: number;
  /** dailyWithinMs: the daily test uses the pairs of this recent stretch only (cost, and recency). */
  readonly dailyWithinMs: number;
}

/** DEFAULT_SEASONALITY_THRESHOLDS were chosen on the NAB corpus as a whole (see bench/nab.ts). */
export const DEFAULT_SEASONALITY_THRESHOLDS: SeasonalityThresholds = {
  dailyStrength: 0.4,
  weeklyStrength: 0.3,
  hysteresis: 0.2,
  minDailySpanMs: 2 * DAY_MS,
  minWeeklySpanMs: 14 * DAY_MS,
  dailyWithinMs: 8 * DAY_MS,
};

// Bucket widths that divide a day evenly, so that a bucket index maps to one phase of every cycle.
const BUCKET_CHOICES_MIN = [5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440];

/**
 * chooseBucketMs picks the bucket width for a typical sampling interval: the smallest divisor of a day
 * that is at least the interval, and never below 5 minutes, which caps a weekly profile at 2016 bins.
 */
export function chooseBucketMs(intervalMs: number): number {
  for (const minutes of BUCKET_CHOICES_MIN) {
    if (minutes * 60_000 >= intervalMs * 0.999) return minutes * 60_000;
  }
  return DAY_MS;
}

/** seasonalityKind names a pair of decisions. */
export function seasonalityKind(daily: boolean, weekly: boolean): SeasonalityKind {
  if (daily && weekly) return 'several';
  if (daily) return 'daily';
  if (weekly) return 'weekly';
  return 'none';
}

/**
 * BucketHistory averages values into fixed time buckets and keeps the last `capacity` buckets (bounded
 * state), for testing periods and estimating seasonal profiles.
 */
export class BucketHistory {
  readonly bucketMs: number;
  readonly capacity: number;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly scratch: Float64Array;
  private first = Number.NaN;
  private lastBucket = Number.NaN;

  constructor(bucketMs: number, capacity = 8192) {
    this.bucketMs = bucketMs;
    this.capacity = capacity;
    this.sum = new Float64Array(capacity);
    this.count = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  add(timestamp: number, value: number): void {
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return;
    const b = Math.floor(timestamp / this.bucketMs);
    if (Number.isNaN(this.first)) {
      this.first = b;
      this.lastBucket = b - 1;
    }
    if (b > this.lastBucket) {
      for (let k = Math.max(this.lastBucket + 1, b - this.capacity + 1); k <= b; k++) {
        this.sum[k % this.capacity] = 0;
        this.count[k % this.capacity] = 0;
      }
      this.lastBucket = b;
    }
    if (b <= this.lastBucket - this.capacity) return;
    const i = b % this.capacity;
    this.sum[i] = (this.sum[i] ?? 0) + value;
    this.count[i] = (this.count[i] ?? 0) + 1;
  }

  private get oldest(): number {
    return Math.max(this.first, this.lastBucket - this.capacity + 1);
  }

  /** spanMs is the time covered by the held buckets. */
  get spanMs(): number {
    if (Number.isNaN(this.first)) return 0;
    return (this.lastBucket - this.oldest) * this.bucketMs;
  }

  private mean(bucket: number): number {
    const i = bucket % this.capacity;
    const c = this.count[i] ?? 0;
    return c > 0 ? (this.sum[i] ?? 0) / c : Number.NaN;
  }

  /**
   * lagScale is a robust scale of the differences between bucket means `lagMs` apart: the median absolute
   * difference, but not below half the mean absolute difference (counts repeat values, leaving MAD 0).
   * NaN with fewer than 10 pairs. The newest bucket is still filling and is left out. `withinMs` limits
   * the pairs to the most recent stretch of history (bounding the cost of a test).
   */
  lagScale(lagMs: number, withinMs = Number.POSITIVE_INFINITY): number {
    const lag = Math.round(lagMs / this.bucketMs);
    const from = Math.max(this.oldest + lag, this.lastBucket - Math.floor(withinMs / this.bucketMs));
    let n = 0;
    let sumAbs = 0;
    for (let b = from; b < this.lastBucket; b++) {
      const d = this.mean(b) - this.mean(b - lag);
      if (Number.isNaN(d)) continue;
      const a = Math.abs(d);
      this.scratch[n++] = a;
      sumAbs += a;
    }
    if (n < 10) return Number.NaN;
    return Math.max(medianInPlace(this.scratch, n), (0.5 * sumAbs) / n);
  }

  /**
   * strength of a period: 1 - lagScale(P) / mean(lagScale(P-Δ), lagScale(P+Δ)), clamped to [0, 1], over
   * pairs whose later value is within the last `withinMs`.
   */
  strength(periodMs: number, deltaMs: number, withinMs = Number.POSITIVE_INFINITY): number | null {
    const at = this.lagScale(periodMs, withinMs);
    const around =
      (this.lagScale(periodMs - deltaMs, withinMs) + this.lagScale(periodMs + deltaMs, withinMs)) / 2;
    if (!Number.isFinite(at) || !Number.isFinite(around)) return null;
    if (around <= 0) return at <= 0 ? null : 0;
    return Math.min(1, Math.max(0, 1 - at / around));
  }

  /**
   * profile estimates a zero-mean seasonal profile of `periodMs` (one value per bucket of the cycle): the
   * per-phase median of the values minus a moving average one period wide (centred where the history
   * allows), after subtracting `base` (an already estimated shorter cycle). Phases with no data get 0.
   */
  profile(periodMs: number, base?: (timestamp: number) => number): Float64Array {
    const bins = Math.max(1, Math.round(periodMs / this.bucketMs));
    const lo = this.oldest;
    const m = Math.max(0, this.lastBucket - lo);
    const v = new Float64Array(m);
    const prefix = new Float64Array(m + 1);
    const prefixCount = new Float64Array(m + 1);
    for (let k = 0; k < m; k++) {
      let x = this.mean(lo + k);
      if (base !== undefined && !Number.isNaN(x)) x -= base((lo + k) * this.bucketMs);
      v[k] = x;
      const ok = !Number.isNaN(x);
      prefix[k + 1] = (prefix[k] ?? 0) + (ok ? x : 0);
      prefixCount[k + 1] = (prefixCount[k] ?? 0) + (ok ? 1 : 0);
    }
    const half = Math.floor(bins / 2);
    const width = Math.min(bins, m);
    const perPhase: number[][] = Array.from({ length: bins }, () => []);
    for (let k = 0; k < m; k++) {
      const x = v[k] ?? Number.NaN;
      if (Number.isNaN(x)) continue;
      // Near the ends the window slides inward rather than shrinking: a window of a whole period holds
      // every phase once, so the cycle does not leak into the level it is measured against.
      const a = Math.max(0, Math.min(k - half, m - width));
      const b = a + width;
      const c = (prefixCount[b] ?? 0) - (prefixCount[a] ?? 0);
      if (c <= 0) continue;
      perPhase[(lo + k) % bins]?.push(x - ((prefix[b] ?? 0) - (prefix[a] ?? 0)) / c);
    }
    const out = new Float64Array(bins);
    let total = 0;
    let filled = 0;
    perPhase.forEach((list, phase) => {
      if (list.length === 0) return;
      const a = Float64Array.from(list);
      out[phase] = selectInPlace(a, a.length, a.length >> 1);
      total += out[phase] ?? 0;
      filled += 1;
    });
    const mean = filled > 0 ? total / filled : 0;
    for (let i = 0; i < bins; i++) out[i] = (out[i] ?? 0) - mean;
    return out;
  }
}

/** SeasonalityDecision is one evaluation of the candidate cycles. */
export interface SeasonalityDecision {
  readonly daily: boolean;
  readonly weekly: boolean;
  readonly dailyStrength: number | null;
  readonly weeklyStrength: number | null;
}

/**
 * decideSeasonality tests daily and weekly cycles on a bucket history, given which are currently on
 * (hysteresis keeps a detected cycle until its strength falls clearly below the threshold).
 */
export function decideSeasonality(
  history: BucketHistory,
  current: { daily: boolean; weekly: boolean },
  thresholds: SeasonalityThresholds = DEFAULT_SEASONALITY_THRESHOLDS,
): SeasonalityDecision {
  const span = history.spanMs;
  const dailyStrength =
    span >= thresholds.minDailySpanMs ? history.strength(DAY_MS, DAY_MS / 2, thresholds.dailyWithinMs) : null;
  const weeklyStrength = span >= thresholds.minWeeklySpanMs ? history.strength(WEEK_MS, DAY_MS) : null;
  const decide = (on: boolean, strength: number | null, threshold: number): boolean => {
    if (strength === null) return on;
    return on ? strength >= threshold - thresholds.hysteresis : strength > threshold;
  };
  return {
    daily: decide(current.daily, dailyStrength, thresholds.dailyStrength),
    weekly: decide(current.weekly, weeklyStrength, thresholds.weeklyStrength),
    dailyStrength,
    weeklyStrength,
  };
}

/**
 * typicalIntervalMs is the median gap between consecutive timestamps (sorted input); NaN for < 2 points.
 */
export function typicalIntervalMs(timestamps: ArrayLike<number>): number {
  const n = timestamps.length;
  if (n < 2) return Number.NaN;
  const gaps = new Float64Array(n - 1);
  let m = 0;
  for (let i = 1; i < n; i++) {
    const d = (timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0);
    if (d > 0) gaps[m++] = d;
  }
  return m === 0 ? Number.NaN : medianInPlace(gaps, m);
}

/** IntervalTracker is the streaming median sampling interval over the last 32 gaps. */
export class IntervalTracker {
  private readonly gaps = new RingBuffer(32);
  private readonly scratch = new Float64Array(32);
  private lastTimestamp = Number.NaN;

  /** observe records a timestamp; non-increasing ones add no gap. */
  observe(timestamp: number): void {
    const gap = timestamp - this.lastTimestamp;
    if (gap > 0) this.gaps.push(gap);
    if (!(timestamp <= this.lastTimestamp)) this.lastTimestamp = timestamp;
  }

  /** count is how many gaps are held. */
  get count(): number {
    return this.gaps.size;
  }

  /** intervalMs is the median held gap (NaN before any). */
  get intervalMs(): number {
    const n = this.gaps.copyTo(this.scratch);
    return n === 0 ? Number.NaN : medianInPlace(this.scratch, n);
  }
}

/**
 * detectSeasonality tests a whole series (timestamps in ms, ascending) for daily and weekly cycles.
 *
 * @example
 * const hourly = Array.from({ length: 24 * 28 }, (_, i) => i * 3_600_000);
 * detectSeasonality(hourly, hourly.map((t) => Math.sin((2 * Math.PI * t) / DAY_MS))).kind // 'daily'
 */
export function detectSeasonality(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  thresholds: SeasonalityThresholds = DEFAULT_SEASONALITY_THRESHOLDS,
): Seasonality {
  const interval = typicalIntervalMs(timestamps);
  const bucketMs = chooseBucketMs(Number.isNaN(interval) ? DAY_MS : interval);
  const first = timestamps[0] ?? 0;
  const last = timestamps[timestamps.length - 1] ?? 0;
  const history = new BucketHistory(bucketMs, Math.max(16, Math.ceil((last - first) / bucketMs) + 2));
  for (let i = 0; i < timestamps.length; i++)
    history.add(timestamps[i] ?? Number.NaN, values[i] ?? Number.NaN);
  const d = decideSeasonality(history, { daily: false, weekly: false }, thresholds);
  return describeSeasonality(d, bucketMs);
}

/** describeSeasonality turns a decision into the reported shape. */
export function describeSeasonality(d: SeasonalityDecision, bucketMs: number): Seasonality {
  const periodsMs: number[] = [];
  if (d.daily) periodsMs.push(DAY_MS);
  if (d.weekly) periodsMs.push(WEEK_MS);
  return {
    kind: seasonalityKind(d.daily, d.weekly),
    periodsMs,
    strength: { daily: d.dailyStrength, weekly: d.weeklyStrength },
    bucketMs,
  };
}
