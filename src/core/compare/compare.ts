/*
 * compareModels: every metric of a task compared between a reference and a candidate, each with
 * its test (metrics.ts), a verdict, the minimum detectable effect at 80% power and the records
 * needed for a chosen effect; and the primary metric per segment with Benjamini–Hochberg
 * adjusted p-values across all segments (of all segment columns together).
 *
 * Paired when the caller aligned the records (same index = same record in both sides, one
 * target); unpaired otherwise (independent samples, each with its own targets).
 *
 * Power: the MDE is (z_a + z_b)·SE for every test (the bootstrap's SE is its standard deviation),
 * except McNemar's, which uses Connor's formula at the observed discordant rate. The records
 * needed are for `effect` (per metric, absolute units of the metric) or, when absent, for the
 * observed |difference|; `additional` is what the current sample lacks (records per side).
 * Randomness: one mulberry32(seed) stream per test, so adding a metric never changes another's.
 */
import type { Label } from '../metrics/index.js';
import { mulberry32 } from '../timeseries/index.js';
import { benjaminiHochberg } from './bh.js';
import { pairedBootstrap, unpairedBootstrap } from './bootstrap.js';
import { delongPaired, delongUnpaired } from './delong.js';
import { dieboldMariano } from './diebold-mariano.js';
import { discordantCounts, mcnemarTest } from './mcnemar.js';
import { type CompareMetric, type CompareTask, type ModelSide, metricsFor } from './metrics.js';
import {
  mcnemarMinimumDetectableEffect,
  mcnemarSampleSize,
  minimumDetectableEffect,
  sampleSizeForEffect,
} from './power.js';
import { permutationTest, signFlipTest } from './randomization.js';
import type { ComparisonResult } from './result.js';
import { type Verdict, verdictOf } from './verdict.js';

/** CompareOptions configures compareModels. */
export interface CompareOptions {
  /** Default 0.05. */
  readonly alpha?: number;
  /** Default 0.8. */
  readonly power?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Bootstrap and randomization resamples. Default 2000. */
  readonly resamples?: number;
  /** Effect (absolute, in the metric's units) to size the sample for, per metric name. */
  readonly effect?: Readonly<Record<string, number>>;
  /** Metric for the verdict and the segment table; default the task's first. */
  readonly primary?: string | undefined;
  /** Compare only these metrics (the primary is always included). */
  readonly metrics?: readonly string[] | undefined;
}

/** CompareInput is the two models' outputs and per-record segment values. */
export interface CompareInput {
  readonly task: CompareTask;
  readonly paired: boolean;
  readonly reference: ModelSide;
  readonly candidate: ModelSide;
  /** Segment column → value per record of each side (paired: one array for both). */
  readonly segments?: Readonly<
    Record<string, { readonly reference: readonly string[]; readonly candidate: readonly string[] }>
  >;
}

/** MetricComparison is one metric's comparison. */
export interface MetricComparison {
  readonly metric: string;
  readonly higher_is_better: boolean;
  readonly reference: number | null;
  readonly candidate: number | null;
  readonly difference: number | null;
  readonly ci: readonly [number, number] | null;
  readonly p_value: number | null;
  readonly test: string;
  readonly verdict: Verdict;
  readonly standard_error: number | null;
  /** Minimum detectable effect at the current size (absolute, metric units). */
  readonly mde: number | null;
  readonly effect: number | null;
  readonly needed_n: number | null;
  readonly additional_n: number | null;
  readonly note?: string;
}

/** SegmentComparison is the primary metric compared within one segment. */
export interface SegmentComparison {
  readonly column: string;
  readonly value: string;
  readonly n_reference: number;
  readonly n_candidate: number;
  readonly reference: number | null;
  readonly candidate: number | null;
  readonly difference: number | null;
  readonly ci: readonly [number, number] | null;
  readonly p_value: number | null;
  readonly adjusted_p_value: number | null;
  readonly test: string;
  readonly verdict: Verdict;
  /**
   * flagged: the candidate is significantly worse here (after BH) although not worse overall —
   * "better on average, worse for new users".
   */
  readonly flagged: boolean;
  readonly note?: string;
}

/** ComparisonReport is compareModels' answer. */
export interface ComparisonReport {
  readonly task: CompareTask;
  readonly paired: boolean;
  readonly alpha: number;
  readonly power: number;
  readonly n_reference: number;
  readonly n_candidate: number;
  readonly primary_metric: string;
  readonly verdict: Verdict;
  readonly metrics: MetricComparison[];
  readonly segments: SegmentComparison[];
  /** True when the candidate is worse on the primary metric overall or in any segment after BH. */
  readonly regression: boolean;
}

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

function subset(s: ModelSide, idx: ArrayLike<number>): ModelSide {
  const pick = <T>(xs: readonly T[] | undefined) => (xs ? Array.from(idx, (i) => xs[i]!) : undefined);
  return {
    target: pick(s.target)!,
    score: pick(s.score),
    prediction: pick(s.prediction),
    queries: pick(s.queries),
  };
}

function nOf(s: ModelSide): number {
  return s.target.length;
}

function runTest(
  m: CompareMetric,
  paired: boolean,
  ref: ModelSide,
  cand: ModelSide,
  seed: number,
  resamples: number,
): ComparisonResult {
  const uniform = mulberry32(seed);
  const num = (xs: readonly Label[]) => xs.map((x) => (typeof x === 'number' ? x : Number(x)));
  if (paired) {
    const n = nOf(ref);
    switch (m.paired) {
      case 'delong':
        return delongPaired(num(ref.target), ref.score!, cand.score!);
      case 'mcnemar':
        return mcnemarTest(
          discordantCounts(
            Array.from(range(n), (i) => m.unit!(ref, i) === 1),
            Array.from(range(n), (i) => m.unit!(cand, i) === 1),
          ),
        );
      case 'dm_absolute':
      case 'dm_squared': {
        const e = (s: ModelSide) =>
          Array.from(range(n), (i) => num([s.prediction![i]!])[0]! - num([s.target[i]!])[0]!);
        return dieboldMariano(e(ref), e(cand), { loss: m.paired === 'dm_absolute' ? 'absolute' : 'squared' });
      }
      case 'sign_flip':
        return signFlipTest(
          Array.from(range(n), (i) => m.unit!(cand, i) - m.unit!(ref, i)),
          uniform,
          resamples,
        );
      case 'bootstrap': {
        if (m.unit === undefined)
          return pairedBootstrap(
            n,
            (idx) => m.value(ref, idx),
            (idx) => m.value(cand, idx),
            uniform,
            { resamples },
          );
        // A mean of per-record values: resample the per-record differences (one pass per draw).
        const d = Float64Array.from(range(n), (i) => m.unit!(cand, i) - m.unit!(ref, i));
        const meanAt = (idx: Int32Array) => {
          let sum = 0;
          for (let k = 0; k < idx.length; k++) sum += d[idx[k]!]!;
          return idx.length === 0 ? Number.NaN : sum / idx.length;
        };
        return pairedBootstrap(n, () => 0, meanAt, uniform, { resamples });
      }
    }
  }
  switch (m.unpaired) {
    case 'delong':
      return delongUnpaired(num(ref.target), ref.score!, num(cand.target), cand.score!);
    case 'permutation':
      return permutationTest(
        Array.from(range(nOf(ref)), (i) => m.unit!(ref, i)),
        Array.from(range(nOf(cand)), (i) => m.unit!(cand, i)),
        uniform,
        resamples,
      );
    case 'bootstrap':
      return unpairedBootstrap(
        nOf(ref),
        nOf(cand),
        (idx) => m.value(ref, idx),
        (idx) => m.value(cand, idx),
        uniform,
        { resamples },
      );
  }
}

function compareMetric(
  m: CompareMetric,
  input: CompareInput,
  o: Required<Pick<CompareOptions, 'alpha' | 'power' | 'seed' | 'resamples'>> & CompareOptions,
  seed: number,
): MetricComparison {
  const { reference: ref, candidate: cand, paired } = input;
  const refValue = m.value(ref, range(nOf(ref)));
  const candValue = m.value(cand, range(nOf(cand)));
  const r = runTest(m, paired, ref, cand, seed, o.resamples);
  const base = {
    metric: m.name,
    higher_is_better: m.higherIsBetter,
    reference: finite(refValue),
    candidate: finite(candValue),
  };
  if (!r.ok) {
    return {
      ...base,
      difference: finite(candValue - refValue),
      ci: null,
      p_value: null,
      test: m.paired,
      verdict: 'no_detectable_difference',
      standard_error: null,
      mde: null,
      effect: null,
      needed_n: null,
      additional_n: null,
      note: r.message,
    };
  }
  const n = Math.min(nOf(ref), nOf(cand));
  const pw = { alpha: o.alpha, power: o.power };
  const effect = o.effect?.[m.name] ?? (r.difference !== 0 ? Math.abs(r.difference) : Number.NaN);
  let mde: number;
  let needed: number;
  if (paired && m.paired === 'mcnemar') {
    const counts = discordantCounts(
      Array.from(range(n), (i) => m.unit!(ref, i) === 1),
      Array.from(range(n), (i) => m.unit!(cand, i) === 1),
    );
    const rate = (counts.b + counts.c) / n;
    mde = mcnemarMinimumDetectableEffect(rate, n, pw);
    needed = effect * effect < rate ? mcnemarSampleSize(rate, effect, pw) : Number.NaN;
  } else {
    mde = minimumDetectableEffect(r.standardError, pw);
    needed = sampleSizeForEffect(n, r.standardError, effect, pw);
  }
  const neededN = Number.isFinite(needed) ? Math.ceil(needed) : null;
  return {
    ...base,
    difference: r.difference,
    ci: r.ci,
    p_value: r.pValue,
    test: r.test,
    verdict: verdictOf(r.difference, r.pValue, m.higherIsBetter, o.alpha),
    standard_error: r.standardError,
    mde: finite(mde),
    effect: finite(effect),
    needed_n: neededN,
    additional_n: neededN === null ? null : Math.max(0, neededN - n),
  };
}

/**
 * compareModels compares a candidate with a reference on every metric of the task and, for the
 * primary metric, per segment with BH-adjusted p-values.
 *
 * @example
 * compareModels({ task: 'binary', paired: true, reference: { target: y, score: a }, candidate: { target: y, score: b } });
 */
export function compareModels(input: CompareInput, options: CompareOptions = {}): ComparisonReport {
  const o = { alpha: 0.05, power: 0.8, seed: 1, resamples: 2000, ...options };
  if (input.paired && nOf(input.reference) !== nOf(input.candidate))
    throw new RangeError('paired sides must hold the same records');
  let metrics = metricsFor(input.task, input.reference, input.candidate);
  if (metrics.length === 0)
    throw new RangeError(`no ${input.task} metric can be computed from the given outputs`);
  const primary = metrics.find((m) => m.name === o.primary) ?? metrics[0]!;
  if (o.primary !== undefined && primary.name !== o.primary)
    throw new RangeError(
      `unknown metric ${o.primary}; ${input.task} has ${metrics.map((m) => m.name).join(', ')}`,
    );
  if (o.metrics) metrics = metrics.filter((m) => m === primary || o.metrics!.includes(m.name));
  const results = metrics.map((m, k) => compareMetric(m, input, o, o.seed + 7919 * k));
  const overall = results.find((r) => r.metric === primary.name)!;

  const rows: Array<Omit<SegmentComparison, 'adjusted_p_value' | 'verdict' | 'flagged'>> = [];
  let k = 0;
  for (const [column, values] of Object.entries(input.segments ?? {})) {
    const keys = [...new Set([...values.reference, ...values.candidate])].sort();
    for (const value of keys) {
      const ri = values.reference.flatMap((v, i) => (v === value ? [i] : []));
      const ci = input.paired ? ri : values.candidate.flatMap((v, i) => (v === value ? [i] : []));
      const sub: CompareInput = {
        task: input.task,
        paired: input.paired,
        reference: subset(input.reference, ri),
        candidate: subset(input.candidate, ci),
      };
      const r = compareMetric(primary, sub, o, o.seed + 104729 * ++k);
      rows.push({
        column,
        value,
        n_reference: ri.length,
        n_candidate: ci.length,
        reference: r.reference,
        candidate: r.candidate,
        difference: r.difference,
        ci: r.ci,
        p_value: r.p_value,
        test: r.test,
        ...(r.note ? { note: r.note } : {}),
      });
    }
  }
  const adjusted = benjaminiHochberg(rows.map((r) => r.p_value ?? Number.NaN));
  const segments: SegmentComparison[] = rows.map((r, i) => {
    const adj = finite(adjusted[i]!);
    const verdict =
      adj === null || r.difference === null
        ? 'no_detectable_difference'
        : verdictOf(r.difference, adj, primary.higherIsBetter, o.alpha);
    return {
      ...r,
      adjusted_p_value: adj,
      verdict,
      flagged: verdict === 'worse' && overall.verdict !== 'worse',
    };
  });
  return {
    task: input.task,
    paired: input.paired,
    alpha: o.alpha,
    power: o.power,
    n_reference: nOf(input.reference),
    n_candidate: nOf(input.candidate),
    primary_metric: primary.name,
    verdict: overall.verdict,
    metrics: results,
    segments,
    regression: overall.verdict === 'worse' || segments.some((s) => s.verdict === 'worse'),
  };
}
