/*
 * evaluateFeatureDrift / evaluateDrift: one FeatureSummary per feature in, API.md's drift shape
 * out: {name, type, method, statistic, p_value, threshold, drifted, stats} per feature, where
 * `stats` holds every measure of the feature's type under API.md's names, plus
 * `drifted_share` / `dataset_drift` for the set.
 *
 * Additions to the API shape (extensions, not changes): per feature `selected_by` (default,
 * global, feature or adaptive), `reason` (why that method) and `notes` (approximations and
 * undefined measures); per set `weighted_drifted_share`, `dataset_drift_threshold`, `basis`,
 * `unweighted`. Undefined numbers are null, never NaN, so the result serialises as is.
 *
 * The method is chosen by select-method.ts (defaults, global per-type choice, per-feature
 * choice); a per-feature `adaptive` threshold (adaptive-threshold.ts) replaces the threshold and
 * judges the statistic (strictly above), whatever the method's kind.
 */
import type { AdaptiveThreshold } from './adaptive-threshold.js';
import { adaptiveStatistic } from './adaptive-threshold.js';
import { type DatasetDriftOptions, type DatasetDriftVerdict, datasetDrift } from './dataset-drift.js';
import type { FeatureSummary } from './feature-summary.js';
import { assertFeatureSummary } from './feature-summary.js';
import { type MeasureOptions, type Measures, measuresOf } from './measures.js';
import { type DriftMethodName, driftMethods } from './methods.js';
import {
  type FeatureMethodChoice,
  type GlobalMethodChoice,
  type MethodSelection,
  selectMethod,
} from './select-method.js';

/** FeatureOverride is a per-feature method/threshold choice or a learned adaptive threshold. */
export interface FeatureOverride extends FeatureMethodChoice {
  readonly adaptive?: AdaptiveThreshold;
}

/** DriftOptions configure a drift evaluation. */
export interface DriftOptions extends MeasureOptions, DatasetDriftOptions {
  readonly global?: GlobalMethodChoice;
  readonly features?: Readonly<Record<string, FeatureOverride>>;
}

/** TestStat is a test's statistic and p-value. */
export interface TestStat {
  readonly statistic: number | null;
  readonly p_value: number | null;
}

/** NumericDriftStats are every measure of a numeric feature, named as API.md. */
export interface NumericDriftStats {
  readonly ks: TestStat;
  readonly wasserstein: number | null;
  readonly wasserstein_norm: number | null;
  readonly psi: number | null;
  readonly js: number | null;
  readonly kl: number | null;
  readonly hellinger: number | null;
  readonly anderson: TestStat;
}

/** CategoricalDriftStats are every measure of a categorical feature, named as API.md. */
export interface CategoricalDriftStats {
  readonly chi2: TestStat & { readonly dof: number | null };
  readonly psi: number | null;
  readonly js: number | null;
  readonly kl: number | null;
  readonly hellinger: number | null;
  readonly cramers_v: number | null;
  readonly new_categories: readonly string[];
}

interface FeatureDriftCommon {
  readonly name: string;
  readonly method: DriftMethodName;
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly selected_by: MethodSelection['source'] | 'adaptive';
  readonly reason: string;
  readonly notes: readonly string[];
}

/** FeatureDrift is one feature's entry of API.md's drift response. */
export type FeatureDrift =
  | (FeatureDriftCommon & { readonly type: 'numeric'; readonly stats: NumericDriftStats })
  | (FeatureDriftCommon & { readonly type: 'categorical'; readonly stats: CategoricalDriftStats });

/** DriftEvaluation is the per-feature results plus the dataset-drift verdict. */
export interface DriftEvaluation extends DatasetDriftVerdict {
  readonly features: readonly FeatureDrift[];
}

const n = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : x);

function numericStats(m: Measures, notes: Set<string>): NumericDriftStats {
  const ks = m.ks();
  const w = m.wasserstein();
  const ad = m.anderson();
  const b = m.binned();
  for (const note of [ks.note, w.note, ad.note]) if (note !== undefined) notes.add(note);
  return {
    ks: { statistic: n(ks.statistic), p_value: n(ks.pValue) },
    wasserstein: n(w.raw),
    wasserstein_norm: n(w.normed),
    psi: n(b.psi),
    js: n(b.js),
    kl: n(b.kl),
    hellinger: n(b.hellinger),
    anderson: { statistic: n(ad.statistic), p_value: n(ad.pValue) },
  };
}

function categoricalStats(m: Measures, notes: Set<string>): CategoricalDriftStats {
  const chi2 = m.chi2();
  const b = m.binned();
  if (chi2.note !== undefined) notes.add(chi2.note);
  return {
    chi2: { statistic: n(chi2.statistic), p_value: n(chi2.pValue), dof: chi2.dof ?? null },
    psi: n(b.psi),
    js: n(b.js),
    kl: n(b.kl),
    hellinger: n(b.hellinger),
    cramers_v: n(m.cramersV()),
    new_categories: m.newCategories(),
  };
}

function overrideFor(options: DriftOptions, name: string): FeatureOverride | undefined {
  const all = options.features;
  return all !== undefined && Object.hasOwn(all, name) ? all[name] : undefined;
}

/**
 * evaluateFeatureDrift judges one feature and computes all its measures. Throws a RangeError
 * for an inconsistent summary or an override that does not fit the feature.
 *
 * @example
 * const r = evaluateFeatureDrift('amount', numericSummaryFromSamples(ref, cur));
 * r.method; r.drifted; r.stats.ks.p_value;
 */
export function evaluateFeatureDrift(
  name: string,
  feature: FeatureSummary,
  options: DriftOptions = {},
): FeatureDrift {
  assertFeatureSummary(feature);
  const m = measuresOf(feature, options);
  const override = overrideFor(options, name);
  const adaptive = override?.adaptive;
  if (adaptive !== undefined && override?.method !== undefined && override.method !== adaptive.method) {
    throw new RangeError(
      `feature '${name}': adaptive threshold learned for '${adaptive.method}', not '${override.method}'`,
    );
  }
  const selection = selectMethod(
    feature,
    {
      ...(options.global === undefined ? {} : { global: options.global }),
      ...(override === undefined
        ? {}
        : { feature: adaptive === undefined ? override : { ...override, method: adaptive.method } }),
    },
    m,
  );
  const result = driftMethods[selection.method].evaluate(feature, selection.threshold, m);
  const notes = new Set<string>();
  if (result.note !== undefined) notes.add(result.note);
  let verdict = {
    statistic: result.statistic,
    p_value: result.p_value,
    threshold: result.threshold,
    drifted: result.drifted,
    selected_by: selection.source as FeatureDriftCommon['selected_by'],
    reason: selection.reason,
  };
  if (adaptive !== undefined) {
    const s = adaptiveStatistic(adaptive.method, result);
    verdict = {
      ...verdict,
      threshold: adaptive.threshold,
      drifted: s !== null && s > adaptive.threshold,
      selected_by: 'adaptive',
      reason: `adaptive ${adaptive.rule} threshold on the ${adaptive.method} statistic from ${adaptive.chunks} baseline chunks`,
    };
  }
  const { selected_by, reason, ...decision } = verdict;
  // Keys in API.md's order, the extensions last.
  if (feature.type === 'numeric') {
    const stats = numericStats(m, notes);
    return {
      name,
      type: 'numeric',
      method: selection.method,
      ...decision,
      stats,
      selected_by,
      reason,
      notes: [...notes],
    };
  }
  const stats = categoricalStats(m, notes);
  return {
    name,
    type: 'categorical',
    method: selection.method,
    ...decision,
    stats,
    selected_by,
    reason,
    notes: [...notes],
  };
}

/**
 * evaluateDrift judges every feature (in input order) and the dataset as a whole.
 *
 * @example
 * const r = evaluateDrift({ amount: numericSummary, country: categoricalSummary }, {
 *   features: { amount: { method: 'psi', threshold: 0.2 } },
 *   importances: { amount: 0.7, country: 0.3 },
 * });
 * r.features[0].drifted; r.drifted_share; r.dataset_drift;
 */
export function evaluateDrift(
  features: Readonly<Record<string, FeatureSummary>> | ReadonlyMap<string, FeatureSummary>,
  options: DriftOptions = {},
): DriftEvaluation {
  const entries =
    features instanceof Map
      ? [...features.entries()]
      : Object.entries(features as Readonly<Record<string, FeatureSummary>>);
  const results = entries.map(([name, summary]) => evaluateFeatureDrift(name, summary, options));
  return { features: results, ...datasetDrift(results, options) };
}
