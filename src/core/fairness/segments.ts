/*
 * Segment analysis: per value of a tag (or feature bucket), its share in the baseline and in
 * current data, its metrics with confidence intervals, its parity against the rest, and two
 * flags. Output is API.md's segments response ({segments: [...], underrepresented: [...]}) plus
 * `parity` (across all segments) and `underperforming`.
 *
 * underrepresented: present in current data (count > 0) and absent from the baseline or below
 *   `minBaselineShare` of it (default 0.01): the model saw too few such rows in training to be
 *   trusted on them (issue 3: "present in production but absent or below a set share in the
 *   training or validation data").
 * underperforming (needs confusion counts): for each proportion metric in `metrics` (default
 *   accuracy, recall, precision), the segment is compared with the rest of the current data
 *   (all other segments pooled). It is flagged when the metric is at least `minGap` (default
 *   0.05) below the rest's AND the shortfall is significant:
 *   - rule 'z_test' (default): two-proportion z-test p < alpha/k, alpha = 0.05, k = the number of
 *     segments where that metric is defined (Bonferroni, so 50 countries do not yield 2–3 flags
 *     by chance);
 *   - rule 'intervals': the segment's interval lies entirely below the rest's (non-overlapping
 *     intervals at `confidence`; stricter than the test, no multiplicity correction).
 *   The gap keeps 10^6-row segments from being flagged for a 0.3-point dip that is "significant"
 *   but immaterial; the test keeps 20-row segments from being flagged for noise.
 *
 * Metrics from confusion counts: accuracy, precision, recall (= TPR), f1, fpr, selection_rate,
 * labeled; intervals (Wilson by default, or Clopper–Pearson) for every proportion among them.
 * `metrics` given by the caller (e.g. MAE for a regressor) are passed through; on a name clash
 * the value computed from the confusion counts wins, since both describe the same rows.
 */
import { twoProportionZTest } from '../stats/index.js';
import { type Interval, type IntervalMethod, proportionInterval } from './intervals.js';
import {
  addConfusion,
  type Confusion,
  FOUR_FIFTHS,
  groupRates,
  type ParitySummary,
  paritySummary,
} from './parity.js';

/** SegmentInput is one segment's counts. */
export interface SegmentInput {
  readonly value: string;
  readonly baselineCount: number;
  readonly currentCount: number;
  /** Confusion counts of the current rows with an actual (classifiers). */
  readonly confusion?: Confusion;
  /** Metrics computed elsewhere (any task), passed through. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** ProportionMetric names a metric that is a proportion of confusion counts. */
export type ProportionMetric = 'accuracy' | 'precision' | 'recall' | 'fpr' | 'selection_rate';

/** SegmentOptions configure flags and intervals. */
export interface SegmentOptions {
  /** Default 0.95. */
  readonly confidence?: number;
  /** Default 'wilson'. */
  readonly interval?: IntervalMethod;
  /** Default 0.01. */
  readonly minBaselineShare?: number;
  readonly underperformance?: {
    /** Default 'z_test'. */
    readonly rule?: 'z_test' | 'intervals';
    /** Family-wise level before the Bonferroni split. Default 0.05. */
    readonly alpha?: number;
    /** Smallest shortfall that counts, in metric units. Default 0.05. */
    readonly minGap?: number;
    /** Default ['accuracy', 'recall', 'precision'] (higher is better for each). */
    readonly metrics?: ReadonlyArray<'accuracy' | 'precision' | 'recall'>;
  };
}

/** SegmentParity compares a segment with the rest and with the most selected segment. */
export interface SegmentParity {
  readonly selection_rate_difference: number | null;
  readonly selection_rate_ratio: number | null;
  readonly tpr_difference: number | null;
  readonly fpr_difference: number | null;
  readonly disparate_impact: number | null;
  readonly four_fifths_passed: boolean | null;
}

/** SegmentFlag is a finding about a segment. */
export type SegmentFlag = 'underrepresented' | 'underperforming';

/** SegmentResult is one entry of API.md's segments response. */
export interface SegmentResult {
  readonly value: string;
  readonly share_baseline: number | null;
  readonly share_current: number | null;
  readonly count: number;
  readonly baseline_count: number;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly intervals: Readonly<Partial<Record<ProportionMetric, readonly [number, number] | null>>>;
  readonly parity: SegmentParity | null;
  readonly flags: readonly SegmentFlag[];
  /** One sentence per flag, with the numbers behind it. */
  readonly reasons: readonly string[];
}

/** SegmentReport is API.md's segments response plus the cross-segment parity. */
export interface SegmentReport {
  readonly segments: readonly SegmentResult[];
  readonly underrepresented: readonly string[];
  readonly underperforming: readonly string[];
  readonly parity: NullableParity | null;
}

/** NullableParity is a ParitySummary with undefined numbers as null. */
export type NullableParity = {
  readonly [K in keyof ParitySummary]: ParitySummary[K] extends number ? number | null : ParitySummary[K];
};

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const intervalOrNull = (i: Interval): readonly [number, number] | null => (Number.isNaN(i[0]) ? null : i);

// Numerator and denominator of each proportion metric.
const FRACTIONS: Record<ProportionMetric, (c: Confusion) => [number, number]> = {
  accuracy: (c) => [c.tp + c.tn, c.tp + c.fp + c.tn + c.fn],
  precision: (c) => [c.tp, c.tp + c.fp],
  recall: (c) => [c.tp, c.tp + c.fn],
  fpr: (c) => [c.fp, c.fp + c.tn],
  selection_rate: (c) => [c.tp + c.fp, c.tp + c.fp + c.tn + c.fn],
};

function confusionMetrics(c: Confusion): Record<string, number | null> {
  const r = groupRates(c);
  const f1 = r.precision + r.tpr > 0 ? (2 * r.precision * r.tpr) / (r.precision + r.tpr) : Number.NaN;
  return {
    accuracy: orNull(r.accuracy),
    precision: orNull(r.precision),
    recall: orNull(r.tpr),
    f1: orNull(f1),
    fpr: orNull(r.fpr),
    selection_rate: orNull(r.selection_rate),
    labeled: r.n,
  };
}

function assertInput(s: SegmentInput): void {
  for (const [k, v] of [
    ['baselineCount', s.baselineCount],
    ['currentCount', s.currentCount],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`segment '${s.value}': ${k} must be a count ≥ 0, got ${v}`);
  }
}

interface Shortfall {
  readonly metric: string;
  readonly value: number;
  readonly rest: number;
  readonly evidence: string;
}

function shortfalls(
  segment: Confusion,
  rest: Confusion,
  tested: Readonly<Record<string, number>>,
  options: SegmentOptions,
): Shortfall[] {
  const u = options.underperformance ?? {};
  const minGap = u.minGap ?? 0.05;
  const alpha = u.alpha ?? 0.05;
  const out: Shortfall[] = [];
  for (const metric of u.metrics ?? ['accuracy', 'recall', 'precision']) {
    const [x1, n1] = FRACTIONS[metric](segment);
    const [x2, n2] = FRACTIONS[metric](rest);
    if (n1 === 0 || n2 === 0) continue;
    const value = x1 / n1;
    const restValue = x2 / n2;
    if (!(restValue - value >= minGap)) continue;
    if ((u.rule ?? 'z_test') === 'z_test') {
      const k = tested[metric] ?? 1;
      const z = twoProportionZTest({ successes: x1, total: n1 }, { successes: x2, total: n2 });
      if (z.ok && z.pValue < alpha / k) {
        out.push({
          metric,
          value,
          rest: restValue,
          evidence: `z-test p = ${z.pValue.toPrecision(2)} < ${alpha}/${k}`,
        });
      }
    } else {
      const opts = { method: options.interval ?? 'wilson', confidence: options.confidence ?? 0.95 } as const;
      const [, high] = proportionInterval(x1, n1, opts);
      const [low] = proportionInterval(x2, n2, opts);
      if (high < low) {
        out.push({
          metric,
          value,
          rest: restValue,
          evidence: `intervals do not overlap (${high.toFixed(3)} < ${low.toFixed(3)})`,
        });
      }
    }
  }
  return out;
}

/**
 * analyzeSegments computes shares, metrics, intervals, parity and flags per segment.
 *
 * @example
 * const r = analyzeSegments([
 *   { value: 'EU', baselineCount: 900, currentCount: 500, confusion: { tp: 80, fp: 10, tn: 100, fn: 20 } },
 *   { value: 'APAC', baselineCount: 0, currentCount: 200, confusion: { tp: 20, fp: 5, tn: 40, fn: 35 } },
 * ]);
 * r.underrepresented; // ['APAC']
 * r.segments[1].flags; // ['underrepresented', 'underperforming'] (recall 0.36 vs 0.8)
 */
export function analyzeSegments(
  inputs: readonly SegmentInput[],
  options: SegmentOptions = {},
): SegmentReport {
  inputs.forEach(assertInput);
  const minShare = options.minBaselineShare ?? 0.01;
  const baselineTotal = inputs.reduce((s, x) => s + x.baselineCount, 0);
  const currentTotal = inputs.reduce((s, x) => s + x.currentCount, 0);
  const withConfusion = inputs.filter(
    (x): x is SegmentInput & { confusion: Confusion } => x.confusion !== undefined,
  );
  const total = addConfusion(withConfusion.map((x) => x.confusion));
  const summary = withConfusion.length >= 2 ? paritySummary(withConfusion) : null;
  const rates = withConfusion
    .map((x) => groupRates(x.confusion).selection_rate)
    .filter((v) => !Number.isNaN(v));
  const maxSelection = rates.length > 0 ? Math.max(...rates) : Number.NaN;
  // How many segments each metric is defined for: the Bonferroni k.
  const tested: Record<string, number> = {};
  for (const x of withConfusion) {
    for (const metric of options.underperformance?.metrics ?? ['accuracy', 'recall', 'precision']) {
      if (FRACTIONS[metric](x.confusion)[1] > 0) tested[metric] = (tested[metric] ?? 0) + 1;
    }
  }
  const interval = { method: options.interval ?? 'wilson', confidence: options.confidence ?? 0.95 } as const;

  const segments = inputs.map((x): SegmentResult => {
    const shareBaseline = baselineTotal > 0 ? x.baselineCount / baselineTotal : Number.NaN;
    const shareCurrent = currentTotal > 0 ? x.currentCount / currentTotal : Number.NaN;
    const flags: SegmentFlag[] = [];
    const reasons: string[] = [];
    if (x.currentCount > 0 && (x.baselineCount === 0 || shareBaseline < minShare)) {
      flags.push('underrepresented');
      reasons.push(
        x.baselineCount === 0
          ? `absent from the baseline, ${x.currentCount} current rows`
          : `${(100 * shareBaseline).toFixed(2)}% of the baseline, below ${100 * minShare}%`,
      );
    }
    const metrics: Record<string, number | null> = { ...(x.metrics ?? {}) };
    const intervals: Partial<Record<ProportionMetric, readonly [number, number] | null>> = {};
    let parity: SegmentParity | null = null;
    const c = x.confusion;
    if (c !== undefined) {
      Object.assign(metrics, confusionMetrics(c));
      for (const m of Object.keys(FRACTIONS) as ProportionMetric[]) {
        const [num, den] = FRACTIONS[m](c);
        intervals[m] = intervalOrNull(proportionInterval(num, den, interval));
      }
      const rest: Confusion = {
        tp: total.tp - c.tp,
        fp: total.fp - c.fp,
        tn: total.tn - c.tn,
        fn: total.fn - c.fn,
      };
      const own = groupRates(c);
      const others = groupRates(rest);
      const impact = maxSelection > 0 ? own.selection_rate / maxSelection : Number.NaN;
      parity =
        withConfusion.length < 2
          ? null
          : {
              selection_rate_difference: orNull(own.selection_rate - others.selection_rate),
              selection_rate_ratio: orNull(
                others.selection_rate > 0 ? own.selection_rate / others.selection_rate : Number.NaN,
              ),
              tpr_difference: orNull(own.tpr - others.tpr),
              fpr_difference: orNull(own.fpr - others.fpr),
              disparate_impact: orNull(impact),
              four_fifths_passed: Number.isNaN(impact) ? null : impact >= FOUR_FIFTHS,
            };
      if (withConfusion.length >= 2) {
        const found = shortfalls(c, rest, tested, options);
        if (found.length > 0) {
          flags.push('underperforming');
          reasons.push(
            found
              .map(
                (s) =>
                  `${s.metric} ${s.value.toFixed(3)} vs ${s.rest.toFixed(3)} for the rest (${s.evidence})`,
              )
              .join('; '),
          );
        }
      }
    }
    return {
      value: x.value,
      share_baseline: orNull(shareBaseline),
      share_current: orNull(shareCurrent),
      count: x.currentCount,
      baseline_count: x.baselineCount,
      metrics,
      intervals,
      parity,
      flags,
      reasons,
    };
  });

  return {
    segments,
    underrepresented: segments.filter((s) => s.flags.includes('underrepresented')).map((s) => s.value),
    underperforming: segments.filter((s) => s.flags.includes('underperforming')).map((s) => s.value),
    parity: summary === null ? null : nullableParity(summary),
  };
}

function nullableParity(p: ParitySummary): NullableParity {
  return {
    demographic_parity_difference: orNull(p.demographic_parity_difference),
    demographic_parity_ratio: orNull(p.demographic_parity_ratio),
    equal_opportunity_difference: orNull(p.equal_opportunity_difference),
    fpr_difference: orNull(p.fpr_difference),
    equalized_odds_difference: orNull(p.equalized_odds_difference),
    disparate_impact_ratio: orNull(p.disparate_impact_ratio),
    reference_group: p.reference_group,
    four_fifths: p.four_fifths,
  };
}
