/*
 * The two steps `vigil evaluate` (files) and `GET /v1/models/{m}/compare` (stored versions)
 * share, so both give the same numbers on the same records:
 *
 * - pairRecords: the paired comparison's records — ids in both sides, in the reference's order,
 *   the first of a repeated id winning on each side.
 * - evaluateComparison: compareModels with the options both front ends take (alpha, seed,
 *   resamples, the primary metric, and the effect to size the sample for, which applies to the
 *   primary metric).
 */
import { type CompareInput, type ComparisonReport, compareModels } from './compare.js';
import { metricsFor } from './metrics.js';

/** PairedIndices are positions in the reference and candidate lists, one pair per shared id. */
export interface PairedIndices {
  readonly reference: number[];
  readonly candidate: number[];
}

/**
 * pairRecords matches two lists by id: the pairs of the ids present in both, in the reference's
 * order; the first occurrence of an id wins on each side.
 *
 * @example
 * pairRecords(['a', 'b', 'c'], ['c', 'a']); // { reference: [0, 2], candidate: [1, 0] }
 */
export function pairRecords(reference: readonly string[], candidate: readonly string[]): PairedIndices {
  const index = new Map<string, number>();
  candidate.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  const out: PairedIndices = { reference: [], candidate: [] };
  const seen = new Set<string>();
  reference.forEach((id, i) => {
    const j = index.get(id);
    if (j === undefined || seen.has(id)) return;
    seen.add(id);
    out.reference.push(i);
    out.candidate.push(j);
  });
  return out;
}

/** EvaluateOptions are the options of `vigil evaluate` and of the compare route. */
export interface EvaluateOptions {
  readonly alpha?: number | undefined;
  readonly seed?: number | undefined;
  readonly resamples?: number | undefined;
  /** The primary metric (default the task's first computable one). */
  readonly metric?: string | undefined;
  /** Difference of the primary metric to size the sample for (default the observed one). */
  readonly effect?: number | undefined;
}

/**
 * evaluateComparison runs compareModels with the front ends' options. An unknown metric throws
 * a RangeError naming the task's metrics.
 */
export function evaluateComparison(input: CompareInput, o: EvaluateOptions = {}): ComparisonReport {
  const primary = o.metric ?? metricsFor(input.task, input.reference, input.candidate)[0]?.name ?? '';
  return compareModels(input, {
    ...(o.alpha !== undefined ? { alpha: o.alpha } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.resamples !== undefined ? { resamples: o.resamples } : {}),
    primary: o.metric,
    ...(o.effect !== undefined ? { effect: { [primary]: o.effect } } : {}),
  });
}
