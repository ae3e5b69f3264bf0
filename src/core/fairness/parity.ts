/*
 * Group parity of a binary classifier from per-group confusion counts (fairlearn's definitions,
 * fairlearn.metrics, on the same counts):
 *
 *   selection rate  s_g = (tp + fp)/n          TPR_g = tp/(tp + fn)       FPR_g = fp/(fp + tn)
 *   demographic parity difference = max_g s_g − min_g s_g;   ratio = min_g s_g / max_g s_g
 *   equal opportunity difference  = max_g TPR_g − min_g TPR_g (the TPR gap)
 *   FPR difference                = max_g FPR_g − min_g FPR_g
 *   equalized odds difference     = max(TPR gap, FPR gap)
 *   disparate impact of g         = s_g / max_h s_h
 *
 * Four-fifths rule (US EEOC Uniform Guidelines, 29 CFR 1607.4(D)): a group whose selection rate is
 * below 4/5 of the highest group's rate shows adverse impact. "Selection" is a positive
 * prediction, so read it for the positive class that benefits people (an approved loan); for a
 * harmful positive (flagged as fraud) the same numbers read the other way round.
 *
 * A rate with a zero denominator (a group without actual positives has no TPR) is NaN and left
 * out of that max/min; a measure over fewer than two defined groups is NaN (null in output).
 */

/** Confusion counts of a binary classifier. */
export interface Confusion {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** GroupRates are a group's rates (NaN when the denominator is zero). */
export interface GroupRates {
  readonly n: number;
  readonly selection_rate: number;
  readonly tpr: number;
  readonly fpr: number;
  readonly precision: number;
  readonly accuracy: number;
}

/** FOUR_FIFTHS is the adverse-impact ratio of the four-fifths rule. */
export const FOUR_FIFTHS = 0.8;

const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);

/**
 * groupRates derives the rates of one group's confusion counts.
 *
 * @example
 * groupRates({ tp: 30, fp: 10, tn: 50, fn: 10 }); // selection 0.4, tpr 0.75, fpr 1/6, precision 0.75, accuracy 0.8
 */
export function groupRates(c: Confusion): GroupRates {
  for (const [k, v] of Object.entries(c)) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`confusion.${k} must be a finite count ≥ 0, got ${v}`);
  }
  const n = c.tp + c.fp + c.tn + c.fn;
  return {
    n,
    selection_rate: ratio(c.tp + c.fp, n),
    tpr: ratio(c.tp, c.tp + c.fn),
    fpr: ratio(c.fp, c.fp + c.tn),
    precision: ratio(c.tp, c.tp + c.fp),
    accuracy: ratio(c.tp + c.tn, n),
  };
}

/**
 * addConfusion sums confusion counts (e.g. every group but one: "the rest").
 *
 * @example
 * addConfusion([{ tp: 1, fp: 0, tn: 2, fn: 0 }, { tp: 0, fp: 1, tn: 0, fn: 3 }]); // { tp: 1, fp: 1, tn: 2, fn: 3 }
 */
export function addConfusion(items: Iterable<Confusion>): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const c of items) {
    tp += c.tp;
    fp += c.fp;
    tn += c.tn;
    fn += c.fn;
  }
  return { tp, fp, tn, fn };
}

/** ParitySummary compares every group with every other. */
export interface ParitySummary {
  readonly demographic_parity_difference: number;
  readonly demographic_parity_ratio: number;
  readonly equal_opportunity_difference: number;
  readonly fpr_difference: number;
  readonly equalized_odds_difference: number;
  /** Lowest disparate impact (= demographic_parity_ratio), against the most selected group. */
  readonly disparate_impact_ratio: number;
  /** The group with the highest selection rate (the four-fifths rule's reference). */
  readonly reference_group: string | null;
  readonly four_fifths: { readonly passed: boolean | null; readonly failing: readonly string[] };
}

function spread(values: readonly number[]): { max: number; min: number } {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length < 2
    ? { max: Number.NaN, min: Number.NaN }
    : { max: Math.max(...defined), min: Math.min(...defined) };
}

/**
 * paritySummary computes the parity measures across groups.
 *
 * @example
 * paritySummary([
 *   { value: 'A', confusion: { tp: 30, fp: 10, tn: 50, fn: 10 } },
 *   { value: 'B', confusion: { tp: 10, fp: 10, tn: 70, fn: 10 } },
 * ]).demographic_parity_difference; // 0.4 − 0.2 = 0.2
 */
export function paritySummary(
  groups: ReadonlyArray<{ readonly value: string; readonly confusion: Confusion }>,
): ParitySummary {
  const rates = groups.map((g) => ({ value: g.value, ...groupRates(g.confusion) }));
  const s = spread(rates.map((r) => r.selection_rate));
  const tpr = spread(rates.map((r) => r.tpr));
  const fpr = spread(rates.map((r) => r.fpr));
  const tprGap = tpr.max - tpr.min;
  const fprGap = fpr.max - fpr.min;
  const reference = Number.isNaN(s.max)
    ? null
    : (rates.find((r) => r.selection_rate === s.max)?.value ?? null);
  const failing = Number.isNaN(s.max)
    ? []
    : rates.filter((r) => ratio(r.selection_rate, s.max) < FOUR_FIFTHS).map((r) => r.value);
  return {
    demographic_parity_difference: s.max - s.min,
    demographic_parity_ratio: ratio(s.min, s.max),
    equal_opportunity_difference: tprGap,
    fpr_difference: fprGap,
    equalized_odds_difference:
      Number.isNaN(tprGap) || Number.isNaN(fprGap) ? Number.NaN : Math.max(tprGap, fprGap),
    disparate_impact_ratio: ratio(s.min, s.max),
    reference_group: reference,
    four_fifths: { passed: Number.isNaN(s.max) ? null : failing.length === 0, failing },
  };
}
