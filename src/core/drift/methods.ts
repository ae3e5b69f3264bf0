/*
 * The drift-method registry: a plain object, no import-time registration (Evidently's
 * `StatTest{name, allowed_feature_types, default_threshold}`, as data).
 *
 * A method turns one measure of a FeatureSummary (measures.ts) into a verdict:
 * - kind 'p_value': drifted when p < threshold (a significance level);
 * - kind 'distance': drifted when statistic ≥ threshold.
 * An undefined measure (empty side, a z-test on a non-binary feature) is never drifted; its
 * statistic and p-value are null and `note` says why.
 *
 * Default thresholds, and why (docs/decisions/0002-drift-method-defaults.md has the numbers):
 * - p-value tests: 0.01, not Evidently's 0.05. At 0.05 a calibrated test flags 5% of unchanged
 *   features on average, exactly the budget issue 3 allows, so one run over 25 features exceeds
 *   it (2 or more flagged) 36% of the time; at 0.01 that falls to 2.6% (binomial arithmetic).
 * - wasserstein (normed by the reference std) 0.1 and js (base 2) 0.1: Evidently's values;
 *   0.1 std of mean shift, or about an 8-point swing of a 50/50 binary feature.
 * - psi 0.1, kl 0.1, hellinger 0.1: Evidently's / NannyML's values; cramers_v 0.1, Cohen's
 *   "small" association.
 */
import type { FeatureSummary, FeatureType } from './feature-summary.js';
import { type Measure, type Measures, measuresOf } from './measures.js';

/** MethodResult is a method's verdict on one feature. */
export interface MethodResult {
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  /** Why the statistic is approximate or undefined. */
  readonly note?: string;
}

/** DriftMethod describes one drift method and evaluates it. */
export interface DriftMethod {
  readonly name: string;
  readonly featureTypes: readonly FeatureType[];
  readonly kind: 'p_value' | 'distance';
  readonly defaultThreshold: number;
  readonly describe: string;
  /** Evaluates the method; pass `measures` to share work with other methods on the same feature. */
  readonly evaluate: (feature: FeatureSummary, threshold?: number, measures?: Measures) => MethodResult;
}

/** P_VALUE_THRESHOLD is the default significance level of the p-value methods. */
export const P_VALUE_THRESHOLD = 0.01;

const orNull = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : x);

function verdict(
  kind: 'p_value' | 'distance',
  m: { statistic: number; pValue: number | null; note?: string | undefined },
  threshold: number,
): MethodResult {
  const statistic = orNull(m.statistic);
  const p = orNull(m.pValue);
  const drifted =
    kind === 'p_value' ? p !== null && p < threshold : statistic !== null && statistic >= threshold;
  const base = { statistic, p_value: p, threshold, drifted };
  return m.note === undefined ? base : { ...base, note: m.note };
}

function method<const N extends string>(spec: {
  name: N;
  featureTypes: readonly FeatureType[];
  kind: 'p_value' | 'distance';
  defaultThreshold: number;
  describe: string;
  measure: (m: Measures) => { statistic: number; pValue: number | null; note?: string | undefined };
}) {
  const { measure, ...rest } = spec;
  return {
    ...rest,
    evaluate: (feature: FeatureSummary, threshold?: number, measures?: Measures): MethodResult => {
      const t = threshold ?? spec.defaultThreshold;
      if (!spec.featureTypes.includes(feature.type)) {
        return verdict(
          spec.kind,
          { statistic: Number.NaN, pValue: null, note: `${spec.name}: not for ${feature.type} features` },
          t,
        );
      }
      return verdict(spec.kind, measure(measures ?? measuresOf(feature)), t);
    },
  };
}

const distance = (value: number, note?: string): Measure =>
  note === undefined ? { statistic: value, pValue: null } : { statistic: value, pValue: null, note };

/**
 * driftMethods is the registry of drift methods by name.
 *
 * @example
 * driftMethods.ks.evaluate(numericSummaryFromSamples(ref, cur)); // { statistic, p_value, threshold: 0.01, drifted }
 * driftMethods.wasserstein.evaluate(feature, 0.2).drifted;
 */
export const driftMethods = {
  ks: method({
    name: 'ks',
    featureTypes: ['numeric'],
    kind: 'p_value',
    defaultThreshold: P_VALUE_THRESHOLD,
    describe: 'Two-sample Kolmogorov–Smirnov test (scipy ks_2samp, method auto); drifted when p < threshold.',
    measure: (m) => m.ks(),
  }),
  chi2: method({
    name: 'chi2',
    featureTypes: ['categorical', 'numeric'],
    kind: 'p_value',
    defaultThreshold: P_VALUE_THRESHOLD,
    describe: 'Chi-square test of homogeneity over categories (or bins), missing values excluded.',
    measure: (m) => m.chi2(),
  }),
  z: method({
    name: 'z',
    featureTypes: ['categorical', 'numeric'],
    kind: 'p_value',
    defaultThreshold: P_VALUE_THRESHOLD,
    describe: 'Two-proportion z-test for a binary feature (pooled variance, two-sided).',
    measure: (m) => m.z(),
  }),
  anderson: method({
    name: 'anderson',
    featureTypes: ['numeric'],
    kind: 'p_value',
    defaultThreshold: P_VALUE_THRESHOLD,
    describe: 'Anderson–Darling k-sample test (scipy anderson_ksamp, midrank); needs value counts.',
    measure: (m) => m.anderson(),
  }),
  wasserstein: method({
    name: 'wasserstein',
    featureTypes: ['numeric'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: 'Wasserstein-1 distance divided by the reference standard deviation (Evidently normed).',
    measure: (m) => {
      const w = m.wasserstein();
      return distance(w.normed, w.note);
    },
  }),
  psi: method({
    name: 'psi',
    featureTypes: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: 'Population Stability Index over reference-quantile bins or categories, missing as a bin.',
    measure: (m) => distance(m.binned().psi),
  }),
  js: method({
    name: 'js',
    featureTypes: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: 'Jensen–Shannon distance (base 2, in [0, 1]) over bins or categories, missing as a bin.',
    measure: (m) => distance(m.binned().js),
  }),
  kl: method({
    name: 'kl',
    featureTypes: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: 'Kullback–Leibler divergence KL(reference ‖ current) in nats, empty bins floored at 1e-4.',
    measure: (m) => distance(m.binned().kl),
  }),
  hellinger: method({
    name: 'hellinger',
    featureTypes: ['numeric', 'categorical'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: 'Hellinger distance (in [0, 1]) over bins or categories, missing as a bin.',
    measure: (m) => distance(m.binned().hellinger),
  }),
  cramers_v: method({
    name: 'cramers_v',
    featureTypes: ['categorical', 'numeric'],
    kind: 'distance',
    defaultThreshold: 0.1,
    describe: "Cramér's V of the reference-vs-current table (0 = same mix, 1 = disjoint).",
    measure: (m) => distance(m.cramersV()),
  }),
} as const satisfies Record<string, DriftMethod>;

/** DriftMethodName names a registered drift method. */
export type DriftMethodName = keyof typeof driftMethods;

/**
 * isDriftMethodName tells whether a string names a registered method (for parsing user input).
 *
 * @example
 * isDriftMethodName('ks'); // true
 */
export function isDriftMethodName(name: string): name is DriftMethodName {
  return Object.hasOwn(driftMethods, name);
}
