import { describe, expect, it } from 'vitest';
import type { FeatureSummary } from './feature-summary.js';
import { measuresOf } from './measures.js';
import { type DriftMethodName, driftMethods, isDriftMethodName, P_VALUE_THRESHOLD } from './methods.js';
import { categoricalSummaryFromSamples, numericSummaryFromSamples } from './summarize.js';

const numeric = numericSummaryFromSamples([1, 2, 3, 4, 5, 6, 7, 8], [3, 4, 5, 6, 7, 8, 9, 10]);
const categorical = categoricalSummaryFromSamples(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'c']);

describe('driftMethods registry', () => {
  it('holds the ten methods with their kinds and feature types', () => {
    const table = Object.fromEntries(
      Object.values(driftMethods).map((m) => [m.name, `${m.kind}:${[...m.featureTypes].sort().join('+')}`]),
    );
    expect(table).toEqual({
      ks: 'p_value:numeric',
      chi2: 'p_value:categorical+numeric',
      z: 'p_value:categorical+numeric',
      anderson: 'p_value:numeric',
      wasserstein: 'distance:numeric',
      psi: 'distance:categorical+numeric',
      js: 'distance:categorical+numeric',
      kl: 'distance:categorical+numeric',
      hellinger: 'distance:categorical+numeric',
      cramers_v: 'distance:categorical+numeric',
    });
  });

  it('keys each method by its own name, with a description and a positive default threshold', () => {
    for (const [key, m] of Object.entries(driftMethods)) {
      expect(m.name).toBe(key);
      expect(m.describe.length).toBeGreaterThan(20);
      expect(m.defaultThreshold).toBe(m.kind === 'p_value' ? P_VALUE_THRESHOLD : 0.1);
    }
  });

  it('recognises method names without inherited keys', () => {
    expect(isDriftMethodName('cramers_v')).toBe(true);
    expect(isDriftMethodName('toString')).toBe(false);
  });
});

describe('verdicts', () => {
  it('p-value methods drift when p < threshold (strictly)', () => {
    const r = driftMethods.ks.evaluate(numeric);
    expect(r.p_value).not.toBeNull();
    expect(driftMethods.ks.evaluate(numeric, r.p_value!).drifted).toBe(false);
    expect(driftMethods.ks.evaluate(numeric, r.p_value! + 1e-12).drifted).toBe(true);
  });

  it('distance methods drift when statistic ≥ threshold (inclusive)', () => {
    const r = driftMethods.psi.evaluate(numeric);
    expect(r.p_value).toBeNull();
    expect(driftMethods.psi.evaluate(numeric, r.statistic!).drifted).toBe(true);
    expect(driftMethods.psi.evaluate(numeric, r.statistic! + 1e-12).drifted).toBe(false);
  });

  it('uses the default threshold when none is given', () => {
    expect(driftMethods.js.evaluate(categorical).threshold).toBe(0.1);
    expect(driftMethods.chi2.evaluate(categorical).threshold).toBe(0.01);
  });

  type Case = { name: string; method: DriftMethodName; feature: FeatureSummary; note: RegExp };
  const undefinedCases: Case[] = [
    {
      name: 'a numeric method on a categorical feature',
      method: 'ks',
      feature: categorical,
      note: /not for categorical/,
    },
    { name: 'z on a three-category feature', method: 'z', feature: categorical, note: /binary/ },
    {
      name: 'wasserstein with an empty current side',
      method: 'wasserstein',
      feature: numericSummaryFromSamples([1, 2], []),
      note: /no non-missing/,
    },
  ];
  it.each(undefinedCases)('is never drifted and says why for $name', ({ method, feature, note }) => {
    const r = driftMethods[method].evaluate(feature);
    expect(r).toMatchObject({ statistic: null, p_value: null, drifted: false });
    expect(r.note).toMatch(note);
  });

  it('shares work through a Measures object', () => {
    const m = measuresOf(numeric);
    expect(driftMethods.ks.evaluate(numeric, undefined, m)).toEqual(driftMethods.ks.evaluate(numeric));
    expect(m.ks()).toBe(m.ks());
  });
});
