import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateDrift, evaluateFeatureDrift } from './evaluate.js';
import type { FeatureSummary } from './feature-summary.js';
import { categoricalSummaryFromSamples, numericSummaryFromSamples } from './summarize.js';

// Independent truth: scipy 1.10.1 / numpy 1.24.2 values from ../shared/data/refvectors.
interface Case {
  name: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}
const file = new URL('../../../../shared/data/refvectors/stats_vectors.json', import.meta.url);
const cases: Case[] = JSON.parse(readFileSync(file, 'utf8')).cases;
const vector = (name: string): Case => {
  const c = cases.find((x) => x.name === name);
  if (c === undefined) throw new Error(`refvector ${name} missing`);
  return c;
};
const CLOSED = 1e-9; // relative, closed-form values
const PVALUE = 1e-6; // relative, p-values
const rel = (a: number | null, b: number) => Math.abs((a ?? Number.NaN) / b - 1);

const numeric = numericSummaryFromSamples(
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  [4, 5, 6, 7, 8, 9, 10, 11, 12, Number.NaN],
);
const categorical = categoricalSummaryFromSamples(['a', 'a', 'b', 'c', null], ['a', 'b', 'd', 'd']);

describe('evaluateFeatureDrift: the API.md drift shape', () => {
  it('numeric: verdict fields, then every numeric measure under its API name', () => {
    const r = evaluateFeatureDrift('amount', numeric);
    expect(Object.keys(r)).toEqual([
      'name',
      'type',
      'method',
      'statistic',
      'p_value',
      'threshold',
      'drifted',
      'stats',
      'selected_by',
      'reason',
      'notes',
    ]);
    expect(Object.keys(r.stats)).toEqual([
      'ks',
      'wasserstein',
      'wasserstein_norm',
      'psi',
      'js',
      'kl',
      'hellinger',
      'anderson',
    ]);
    expect(r).toMatchObject({
      name: 'amount',
      type: 'numeric',
      method: 'ks',
      threshold: 0.01,
      selected_by: 'default',
    });
    expect(r.statistic).toBe(r.type === 'numeric' ? r.stats.ks.statistic : null);
  });

  it('categorical: chi² with dof, Cramér’s V and the new categories', () => {
    const r = evaluateFeatureDrift('country', categorical);
    expect(Object.keys(r.stats)).toEqual([
      'chi2',
      'psi',
      'js',
      'kl',
      'hellinger',
      'cramers_v',
      'new_categories',
    ]);
    expect(r.type === 'categorical' && r.stats.new_categories).toEqual(['d']);
    expect(r.type === 'categorical' && r.stats.chi2.dof).toBe(3);
  });

  it('serialises without NaN: undefined measures are null and explained', () => {
    const r = evaluateFeatureDrift('empty', numericSummaryFromSamples([1, 2, 3], [Number.NaN]));
    const json = JSON.stringify(r);
    expect(json).not.toMatch(/NaN/);
    expect(r.type === 'numeric' && r.stats.ks).toEqual({ statistic: null, p_value: null });
    expect(r.drifted).toBe(false);
    expect(r.notes.some((n) => /no non-missing/.test(n))).toBe(true);
  });

  it('rejects an inconsistent summary', () => {
    const bad: FeatureSummary = { ...numeric, reference: { ...numeric.reference, n: 99 } };
    expect(() => evaluateFeatureDrift('x', bad)).toThrow(/n = 99/);
  });
});

describe('measures through the summary path equal scipy/numpy (refvectors)', () => {
  it('KS auto: ks_normal_shift_60_50 and ks_ties_integers_120_100', () => {
    for (const name of ['ks_normal_shift_60_50', 'ks_ties_integers_120_100']) {
      const c = vector(name);
      const expected = (c.expected as { auto: { statistic: number; pvalue: number } }).auto;
      const r = evaluateFeatureDrift(
        name,
        numericSummaryFromSamples(c.inputs['x'] as number[], c.inputs['y'] as number[]),
      );
      if (r.type !== 'numeric') throw new Error('numeric expected');
      expect(rel(r.stats.ks.statistic, expected.statistic)).toBeLessThan(CLOSED);
      expect(rel(r.stats.ks.p_value, expected.pvalue)).toBeLessThan(PVALUE);
    }
  });

  it('PSI and JS on reference deciles: psi_quantile10_shift_500_500', () => {
    const c = vector('psi_quantile10_shift_500_500');
    const e = c.expected as { psi: number; js_distance_base2_same_bins: number };
    const f = numericSummaryFromSamples(c.inputs['reference'] as number[], c.inputs['current'] as number[]);
    const r = evaluateFeatureDrift('x', f);
    if (r.type !== 'numeric') throw new Error('numeric expected');
    expect(rel(r.stats.psi, e.psi)).toBeLessThan(CLOSED);
    expect(rel(r.stats.js, e.js_distance_base2_same_bins)).toBeLessThan(CLOSED);
  });

  it('Wasserstein and Anderson–Darling: wasserstein_ties_integers, anderson_ksamp_shifted', () => {
    const w = vector('wasserstein_ties_integers');
    const rw = evaluateFeatureDrift(
      'w',
      numericSummaryFromSamples(w.inputs['u'] as number[], w.inputs['v'] as number[]),
    );
    expect(rw.type === 'numeric' && rel(rw.stats.wasserstein, 1.9475)).toBeLessThan(CLOSED);
    const a = vector('anderson_ksamp_shifted');
    const [x, y] = a.inputs['samples'] as [number[], number[]];
    const ra = evaluateFeatureDrift('a', numericSummaryFromSamples(x, y));
    expect(ra.type === 'numeric' && rel(ra.stats.anderson.statistic, 10.968123680390672)).toBeLessThan(
      CLOSED,
    );
    expect(ra.type === 'numeric' && ra.stats.anderson.p_value).toBe(0.001);
  });

  it('chi² of a categorical feature: chi2_empty_category_in_reference', () => {
    const rows = (counts: number[]) => counts.flatMap((c, i) => Array.from({ length: c }, () => `k${i}`));
    const r = evaluateFeatureDrift(
      'c',
      categoricalSummaryFromSamples(rows([40, 35, 25, 0]), rows([30, 30, 25, 15])),
    );
    if (r.type !== 'categorical') throw new Error('categorical expected');
    expect(rel(r.stats.chi2.statistic, 16.813186813186814)).toBeLessThan(CLOSED);
    expect(rel(r.stats.chi2.p_value, 0.0007720951892263233)).toBeLessThan(PVALUE);
    expect(r.stats.new_categories).toEqual(['k3']);
  });
});

describe('overrides', () => {
  it('per feature and global per type', () => {
    const r = evaluateDrift(
      { amount: numeric, country: categorical },
      {
        features: { amount: { method: 'psi', threshold: 0.5 } },
        global: { categorical: { method: 'hellinger' } },
      },
    );
    expect(r.features.map((f) => [f.name, f.method, f.threshold, f.selected_by])).toEqual([
      ['amount', 'psi', 0.5, 'feature'],
      ['country', 'hellinger', 0.1, 'global'],
    ]);
  });

  it('an adaptive threshold judges the statistic strictly above it', () => {
    const ks = evaluateFeatureDrift('x', numeric).statistic!;
    const adaptive = {
      method: 'ks' as const,
      threshold: ks,
      rule: 'std' as const,
      chunks: 5,
      mean: 0,
      std: 0,
      clamped: null,
    };
    const at = evaluateFeatureDrift('x', numeric, { features: { x: { adaptive } } });
    expect(at).toMatchObject({ selected_by: 'adaptive', threshold: ks, drifted: false });
    const below = evaluateFeatureDrift('x', numeric, {
      features: { x: { adaptive: { ...adaptive, threshold: ks - 1e-9 } } },
    });
    expect(below.drifted).toBe(true);
    expect(() =>
      evaluateFeatureDrift('x', numeric, { features: { x: { adaptive, method: 'psi' } } }),
    ).toThrow(/learned for 'ks'/);
  });

  it('does not read options of a feature named like an Object.prototype key', () => {
    expect(evaluateFeatureDrift('constructor', numeric, { features: {} }).selected_by).toBe('default');
  });
});

describe('evaluateDrift', () => {
  it('keeps input order, accepts a Map, and adds the dataset verdict', () => {
    const same = numericSummaryFromSamples([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8]);
    const moved = numericSummaryFromSamples([1, 2, 3, 4, 5, 6, 7, 8], [21, 22, 23, 24, 25, 26, 27, 28]);
    const r = evaluateDrift(
      new Map([
        ['b', same],
        ['a', moved],
        ['c', same],
      ]),
      { importances: { a: 3, b: 1, c: 1 } },
    );
    expect(r.features.map((f) => [f.name, f.drifted])).toEqual([
      ['b', false],
      ['a', true],
      ['c', false],
    ]);
    expect(r.drifted_share).toBeCloseTo(1 / 3, 15);
    expect(r).toMatchObject({ weighted_drifted_share: 0.6, dataset_drift: true, basis: 'importance' });
  });
});
