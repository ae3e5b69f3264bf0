// Groups of series on one time axis (a metric per region, the sensors of one machine): one event stream
// from combined evidence. Each member runs its own detector; at each time step the members' residuals,
// standardised by their own calm scale (z = (x − expected) / residualScale), are combined by two tests,
// each held at half the single-member rate per step whatever the number of members m (so together at
// most one member's rate):
//   max:   max |z_i| ≥ c_m, with c_m the Šidák-corrected bar: P(max of m |N(0,1)| ≥ c_m) equals
//          P(|N(0,1)| ≥ c_1) (Šidák 1967, JASA 62), for a fault in one member;
//   sum:   Σ z_i² ≥ χ²_m quantile at that same probability (Wilson–Hilferty approximation, 1931), for
//          a change shared by many members, each too small to see alone.
// An event opens when either test fires and ends after `quietPoints` steps with neither above half its
// bar. Each event names the members that drove it, with their shares of Σ z² over its steps.
import { createDetector, type Detector, type DetectorOptions } from './detector.js';
import { EVENT_TUNING } from './events.js';
import { normalQuantile } from './quantiles.js';

/** GroupPoint is one time step of a group: a value per member (NaN for a member with no value). */
export interface GroupPoint {
  readonly timestamp: number;
  readonly values: readonly number[];
}

/** GroupEvent is one event of a group; `drivers` are the members with their shares of the evidence. */
export interface GroupEvent {
  readonly start: number;
  readonly end: number | null;
  readonly ongoing: boolean;
  readonly points: number;
  readonly drivers: ReadonlyArray<{ readonly member: string; readonly share: number }>;
}

/** GroupOptions: the members' names and the detector options every member uses. */
export interface GroupOptions extends DetectorOptions {
  readonly members: readonly string[];
  /** sigmas: the single-member bar in residual scales (default the event layer's point bar). */
  readonly sigmas?: number;
  readonly quietPoints?: number;
}

/** chiSquareQuantile is the p-quantile of χ² with k degrees of freedom (Wilson–Hilferty). */
export function chiSquareQuantile(p: number, k: number): number {
  const z = normalQuantile(p);
  const a = 2 / (9 * k);
  return k * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** GroupDetector scores the members of a group together. */
export class GroupDetector {
  private readonly members: readonly string[];
  private readonly detectors: Detector[];
  private readonly maxBar: number;
  private readonly sumBar: number;
  private readonly quietPoints: number;
  private readonly closed: GroupEvent[] = [];
  private open: { start: number; last: number; points: number; quiet: number; evidence: number[] } | null =
    null;

  constructor(options: GroupOptions) {
    if (options.members.length === 0) throw new RangeError('a group needs at least one member');
    this.members = options.members;
    this.detectors = options.members.map(() => createDetector(options));
    const m = options.members.length;
    const c1 = options.sigmas ?? EVENT_TUNING.openSigmas;
    // Two-sided tail of one member at c1, and the per-step probability every test is held to.
    // Each test gets half of it, so their union stays at or below one member's rate.
    const p1 = 2 * (1 - normalCdf(c1));
    const pm = 1 - (1 - p1 / 2) ** (1 / m);
    this.maxBar = normalQuantile(1 - pm / 2);
    this.sumBar = chiSquareQuantile(1 - p1 / 2, m);
    this.quietPoints = options.quietPoints ?? EVENT_TUNING.quietPoints;
  }

  /** bars are the max test's bar in residual scales and the sum test's bar on Σ z². */
  get bars(): { max: number; sum: number } {
    return { max: this.maxBar, sum: this.sumBar };
  }

  /** update scores one time step; returns whether the group is in an event after it. */
  update(point: GroupPoint): boolean {
    const z = this.detectors.map((d, i) => {
      const value = point.values[i] ?? Number.NaN;
      const out = d.update({ timestamp: point.timestamp, value });
      const s = d.residualScale;
      if (!Number.isFinite(value) || !(s > 0) || d.count <= EVENT_TUNING.warmupPoints) return 0;
      return (value - out.expected) / s;
    });
    let max = 0;
    let sum = 0;
    for (const x of z) {
      max = Math.max(max, Math.abs(x));
      sum += x * x;
    }
    const fires = max >= this.maxBar || sum >= this.sumBar;
    const calm = max < this.maxBar / 2 && sum < this.sumBar / 2;
    const open = this.open;
    if (open === null) {
      if (fires)
        this.open = {
          start: point.timestamp,
          last: point.timestamp,
          points: 1,
          quiet: 0,
          evidence: z.map((x) => x * x),
        };
      return fires;
    }
    open.points += 1;
    if (calm) open.quiet += 1;
    else {
      open.quiet = 0;
      open.last = point.timestamp;
      z.forEach((x, i) => {
        open.evidence[i] = (open.evidence[i] ?? 0) + x * x;
      });
    }
    if (open.quiet >= this.quietPoints) {
      this.closed.push(this.describe(open, false));
      this.open = null;
      return false;
    }
    return true;
  }

  private describe(
    open: { start: number; last: number; points: number; quiet: number; evidence: number[] },
    ongoing: boolean,
  ): GroupEvent {
    const total = open.evidence.reduce((a, b) => a + b, 0);
    const drivers = open.evidence
      .map((e, i) => ({ member: this.members[i] ?? String(i), share: total > 0 ? e / total : 0 }))
      .filter((d) => d.share >= 0.05)
      .sort((a, b) => b.share - a.share);
    return {
      start: open.start,
      end: ongoing ? null : open.last,
      ongoing,
      points: ongoing ? open.points : open.points - open.quiet,
      drivers,
    };
  }

  /** events are the closed events, oldest first, and the open one last (ongoing). */
  events(): GroupEvent[] {
    return this.open === null ? [...this.closed] : [...this.closed, this.describe(this.open, true)];
  }
}

/** normalCdf is Φ(x), by the complementary error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** GroupSeries is one member of a group: its name and its points in time order. */
export interface GroupSeries {
  readonly name: string;
  readonly points: ReadonlyArray<{ readonly timestamp: number; readonly value: number }>;
}

/** GroupResult is a group scored whole: its events and the bars the combined tests used. */
export interface GroupResult {
  readonly members: readonly string[];
  readonly steps: number;
  readonly bars: { readonly max: number; readonly sum: number };
  readonly events: GroupEvent[];
}

/**
 * detectGroup aligns the members on the union of their timestamps (a member without a point at a
 * step is missing there) and scores the group whole. `sigmas` scales with the sensitivity preset
 * (the single-member bar × the preset's cutoff), so `high` opens events on smaller evidence.
 */
export function detectGroup(
  series: readonly GroupSeries[],
  options: Omit<GroupOptions, 'members'> & { readonly cutoff?: number } = {},
): GroupResult {
  const members = series.map((s) => s.name);
  const { cutoff = 1, ...rest } = options;
  const detector = new GroupDetector({
    ...rest,
    members,
    sigmas: (rest.sigmas ?? EVENT_TUNING.openSigmas) * cutoff,
  });
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.timestamp)))].sort((a, b) => a - b);
  const cursors = series.map(() => 0);
  for (const t of times) {
    const values = series.map((s, i) => {
      const at = cursors[i] ?? 0;
      const p = s.points[at];
      if (p === undefined || p.timestamp !== t) return Number.NaN;
      cursors[i] = at + 1;
      return p.value;
    });
    detector.update({ timestamp: t, values });
  }
  return { members, steps: times.length, bars: detector.bars, events: detector.events() };
}
