/*
 * Raw rows → the aggregated inputs of the estimators. In production ClickHouse returns these
 * aggregates (GROUP BY round(score, d)); the helpers exist for tests, the offline report and
 * the bench. Rounding to `decimals` mimics ClickHouse's round(x, d) closely enough for binning
 * (both round half away from zero only up to float representation). NaN scores are dropped.
 */
import type { ScoreCount } from '../metrics/index.js';

/** ScoreFrequency is how many rows of the unlabelled period share one score. */
export interface ScoreFrequency {
  readonly score: number;
  readonly count: number;
}

/** BinningOptions rounds scores before grouping; omit for exact scores. */
export interface BinningOptions {
  readonly decimals?: number;
}

/** scoreRounder returns the rounding BinningOptions asks for (identity without decimals). */
export function scoreRounder(options: BinningOptions): (s: number) => number {
  const d = options.decimals;
  if (d === undefined) return (s) => s;
  const f = 10 ** d;
  return (s) => Math.round(s * f) / f;
}

/**
 * scoreCountsOf groups labelled rows (0/1 labels) by score into (score, pos, neg).
 *
 * @example
 * scoreCountsOf([1, 0, 1], [0.81, 0.2, 0.79], { decimals: 1 }); // [{score: 0.2, pos: 0, neg: 1}, {score: 0.8, pos: 2, neg: 0}]
 */
export function scoreCountsOf(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinningOptions = {},
): ScoreCount[] {
  if (labels.length !== scores.length) {
    throw new RangeError(`inputs differ in length: ${labels.length} vs ${scores.length}`);
  }
  const round = scoreRounder(options);
  const m = new Map<number, { pos: number; neg: number }>();
  // i < labels.length = scores.length.
  for (let i = 0; i < labels.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    const key = round(s);
    const e = m.get(key) ?? { pos: 0, neg: 0 };
    if (labels[i] === 1) e.pos++;
    else e.neg++;
    m.set(key, e);
  }
  return [...m].map(([score, c]) => ({ score, pos: c.pos, neg: c.neg })).sort((a, b) => a.score - b.score);
}

/**
 * scoreFrequenciesOf groups unlabelled scores into (score, count).
 *
 * @example
 * scoreFrequenciesOf([0.31, 0.29, 0.7], { decimals: 1 }); // [{score: 0.3, count: 2}, {score: 0.7, count: 1}]
 */
export function scoreFrequenciesOf(
  scores: ArrayLike<number>,
  options: BinningOptions = {},
): ScoreFrequency[] {
  const round = scoreRounder(options);
  const m = new Map<number, number>();
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    const key = round(s);
    m.set(key, (m.get(key) ?? 0) + 1);
  }
  return [...m].map(([score, count]) => ({ score, count })).sort((a, b) => a.score - b.score);
}
