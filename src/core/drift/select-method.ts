/*
 * Default drift method per feature type and sample size, and the overrides on top of it.
 *
 * How others choose (read from their source and docs):
 * - Evidently (`_get_default_stattest`): by REFERENCE size. ≤ 1000 rows: numeric with > 5
 *   distinct values → KS, else chi² (> 2 values) or two-proportion z (binary); categorical → chi²
 *   or z; all at p < 0.05. > 1000 rows: numeric → Wasserstein normed by the reference std ≥ 0.1
 *   (JS ≥ 0.1 when ≤ 5 distinct values); categorical → Jensen–Shannon (natural log) ≥ 0.1.
 * - NannyML: Jensen–Shannon for both types by default, constant threshold 0.1; KS and Wasserstein
 *   thresholds are learned from reference chunks (mean ± 3σ of the chunk values); chi² at p < 0.05.
 * - Arize: PSI by default ("less influenced by sample size, fewer false positives than KS or
 *   EMD"), with monitor thresholds set automatically from the metric's historical variation
 *   (a number of standard deviations), editable per monitor.
 *
 * Why p-values flag trivial shifts on large samples: a test answers "are the two samples from
 * exactly the same distribution?". Its power grows with √n, so at 10^6 rows KS rejects a 0.01σ
 * mean shift almost surely (select-method.test.ts shows it), and real data are never exactly
 * stationary. A distance answers "how much did it change?", and its sampling noise shrinks
 * with n while its threshold stays put, so at large n only material changes cross it. At small
 * n the opposite holds: a distance's own noise crosses its threshold (normed Wasserstein ≥ 0.1 on
 * 90–96% of unchanged 100-row samples, measured), while a test stays calibrated.
 *
 * Vigil's rule (measured in docs/decisions/0002-drift-method-defaults.md), on the effective sample
 * size n_eff = n_ref·n_cur/(n_ref + n_cur) (what both the KS p-value and the distances' noise
 * depend on; Evidently's reference-only size misjudges a 1M-row training set against a 200-row
 * hour):
 * - numeric, more than 5 distinct values (or value counts absent):
 *   n_eff < 1500 → KS at p < 0.01; n_eff ≥ 1500 → Wasserstein normed ≥ 0.1. Measured on normal,
 *   exponential, lognormal and Pareto(3) data, normed Wasserstein ≥ 0.1 still false-alarms on up to
 *   7.5% of unchanged samples at n_eff = 500 (1000 rows a side) and 3.3% at 1000, ≤ 0.7% at 1500.
 * - discrete (categorical, or numeric with ≤ 5 distinct values): Jensen–Shannon ≥ 0.1 when its
 *   false-alarm odds under no drift are ≤ 0.001, else z (2 categories) or chi² (more) at p < 0.01.
 *   For K bins JS² ≈ χ²_{K−1}/(8·ln 2·n_eff) under no drift (second-order expansion of KL), so
 *   the odds are P(χ²_{K−1} ≥ 8·ln 2·0.1²·n_eff): a binary feature switches at n_eff ≈ 200, 10
 *   categories at ≈ 500, 100 at ≈ 2700. A fixed 1000-row switch (Evidently) makes JS ≥ 0.1 fire on
 *   most unchanged samples of a 100-category feature.
 */
import { chiSquareSf, dropEmptyBins } from '../stats/index.js';
import type { FeatureSummary, FeatureType } from './feature-summary.js';
import { discreteValues, type Measures, measuresOf } from './measures.js';
import { type DriftMethodName, driftMethods } from './methods.js';

/** SELECTION_RULE holds the constants of the default rule (see the module comment). */
export const SELECTION_RULE = {
  /** Numeric features switch from KS to normed Wasserstein at this effective sample size. */
  numericLargeSample: 1500,
  /** Discrete features use JS when its no-drift false-alarm odds are at most this. */
  jsFalseAlarmOdds: 0.001,
} as const;

/** MethodChoice picks a method, with its default threshold unless one is given. */
export interface MethodChoice {
  readonly method: DriftMethodName;
  readonly threshold?: number;
}

/** GlobalMethodChoice overrides the default per feature type for every feature. */
export interface GlobalMethodChoice {
  readonly numeric?: MethodChoice;
  readonly categorical?: MethodChoice;
}

/** FeatureMethodChoice overrides the method, the threshold or both for one feature. */
export interface FeatureMethodChoice {
  readonly method?: DriftMethodName;
  readonly threshold?: number;
}

/** MethodSelection is the method and threshold a feature is judged by, and why. */
export interface MethodSelection {
  readonly method: DriftMethodName;
  readonly threshold: number;
  readonly source: 'default' | 'global' | 'feature';
  readonly reason: string;
}

/**
 * effectiveSampleSize returns n1·n2/(n1 + n2), 0 when either side is empty.
 *
 * @example
 * effectiveSampleSize(1000, 1000); // 500
 */
export function effectiveSampleSize(n1: number, n2: number): number {
  return n1 > 0 && n2 > 0 ? (n1 * n2) / (n1 + n2) : 0;
}

/**
 * jsFalseAlarmOdds approximates P(JS distance ≥ threshold) between two samples of one
 * distribution over `bins` non-empty bins: P(χ²_{bins−1} ≥ 8·ln 2·threshold²·n_eff).
 *
 * @example
 * jsFalseAlarmOdds(10, 500); // ≈ 0.001
 */
export function jsFalseAlarmOdds(bins: number, nEff: number, threshold = 0.1): number {
  if (bins < 2) return 0;
  if (!(nEff > 0)) return 1;
  return chiSquareSf(8 * Math.LN2 * threshold * threshold * nEff, bins - 1);
}

function sides(feature: FeatureSummary, m: Measures): { nRef: number; nCur: number } {
  if (feature.type === 'numeric') return { nRef: feature.reference.n, nCur: feature.current.n };
  const view = m.discrete();
  return { nRef: view.reference.reduce((s, x) => s + x, 0), nCur: view.current.reduce((s, x) => s + x, 0) };
}

/**
 * selectDefaultMethod applies the default rule of the module comment to one feature.
 *
 * @example
 * selectDefaultMethod(numericSummaryFromSamples(thousandRows, thousandRows)).method; // 'ks'
 */
export function selectDefaultMethod(feature: FeatureSummary, measures?: Measures): MethodSelection {
  const m = measures ?? measuresOf(feature);
  const { nRef, nCur } = sides(feature, m);
  const nEff = effectiveSampleSize(nRef, nCur);
  const size = `n_eff ${Math.round(nEff)}`;
  const pick = (method: DriftMethodName, reason: string): MethodSelection => ({
    method,
    threshold: driftMethods[method].defaultThreshold,
    source: 'default',
    reason,
  });
  if (feature.type === 'numeric' && discreteValues(feature) === null) {
    return nEff >= SELECTION_RULE.numericLargeSample
      ? pick('wasserstein', `numeric, ${size} ≥ ${SELECTION_RULE.numericLargeSample}: normed Wasserstein`)
      : pick('ks', `numeric, ${size} < ${SELECTION_RULE.numericLargeSample}: KS test`);
  }
  const view = m.discrete();
  const categories = dropEmptyBins(view.reference, view.current).reference.length;
  const bins = categories + (view.referenceMissing + view.currentMissing > 0 ? 1 : 0);
  const what = `${feature.type === 'numeric' ? 'discrete numeric' : 'categorical'}, ${categories} categories, ${size}`;
  const odds = jsFalseAlarmOdds(bins, nEff, driftMethods.js.defaultThreshold);
  if (odds <= SELECTION_RULE.jsFalseAlarmOdds) {
    return pick('js', `${what}: JS (no-drift false-alarm odds ${odds.toExponential(1)})`);
  }
  return categories === 2
    ? pick('z', `${what}: two-proportion z-test (JS false-alarm odds ${odds.toFixed(3)})`)
    : pick('chi2', `${what}: chi-square test (JS false-alarm odds ${odds.toFixed(3)})`);
}

function assertApplicable(method: DriftMethodName, type: FeatureType, where: string): void {
  const spec = driftMethods[method];
  if (spec === undefined) throw new RangeError(`${where}: unknown drift method '${method}'`);
  if (!(spec.featureTypes as readonly FeatureType[]).includes(type)) {
    throw new RangeError(`${where}: method '${method}' does not apply to ${type} features`);
  }
}

function assertThreshold(threshold: number | undefined, where: string): void {
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold >= 0)) {
    throw new RangeError(`${where}: threshold must be a finite number ≥ 0, got ${threshold}`);
  }
}

/**
 * selectMethod resolves a feature's method and threshold: the feature's own choice, else the
 * global choice for its type, else the default rule. A threshold given without a method applies
 * to whichever method is chosen. Throws a RangeError for a method that does not fit the type.
 *
 * @example
 * selectMethod(feature, { global: { numeric: { method: 'psi', threshold: 0.2 } } }).method; // 'psi'
 * selectMethod(feature, { feature: { threshold: 0.05 } }).threshold; // 0.05, default method
 */
export function selectMethod(
  feature: FeatureSummary,
  overrides: { readonly global?: GlobalMethodChoice; readonly feature?: FeatureMethodChoice } = {},
  measures?: Measures,
): MethodSelection {
  const own = overrides.feature;
  const global = overrides.global?.[feature.type];
  assertThreshold(own?.threshold, 'feature override');
  assertThreshold(global?.threshold, `global ${feature.type} override`);
  let base: MethodSelection;
  if (own?.method !== undefined) {
    assertApplicable(own.method, feature.type, 'feature override');
    base = {
      method: own.method,
      threshold: driftMethods[own.method].defaultThreshold,
      source: 'feature',
      reason: `feature override: ${own.method}`,
    };
  } else if (global !== undefined) {
    assertApplicable(global.method, feature.type, `global ${feature.type} override`);
    base = {
      method: global.method,
      threshold: global.threshold ?? driftMethods[global.method].defaultThreshold,
      source: 'global',
      reason: `global ${feature.type} override: ${global.method}`,
    };
  } else {
    base = selectDefaultMethod(feature, measures);
  }
  if (own?.threshold === undefined) return base;
  return {
    ...base,
    threshold: own.threshold,
    source: 'feature',
    reason: `${base.reason}; feature threshold`,
  };
}
