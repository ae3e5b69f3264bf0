import { describe, expect, it } from 'vitest';
import { DATASET_DRIFT_SHARE, datasetDrift } from './dataset-drift.js';

const f = (name: string, drifted: boolean) => ({ name, drifted });

describe('datasetDrift', () => {
  type Case = {
    name: string;
    features: Array<{ name: string; drifted: boolean }>;
    share: number;
    drift: boolean;
  };
  const cases: Case[] = [
    { name: 'no features', features: [], share: 0, drift: false },
    { name: 'none drifted', features: [f('a', false), f('b', false)], share: 0, drift: false },
    {
      name: 'exactly half (the threshold is inclusive)',
      features: [f('a', true), f('b', false)],
      share: 0.5,
      drift: true,
    },
    {
      name: 'one of three',
      features: [f('a', true), f('b', false), f('c', false)],
      share: 1 / 3,
      drift: false,
    },
    { name: 'all', features: [f('a', true)], share: 1, drift: true },
  ];
  it.each(cases)('$name → share $share', ({ features, share, drift }) => {
    const v = datasetDrift(features);
    expect(v).toMatchObject({
      drifted_share: share,
      dataset_drift: drift,
      basis: 'count',
      weighted_drifted_share: null,
    });
    expect(v.dataset_drift_threshold).toBe(DATASET_DRIFT_SHARE);
  });

  it('takes another threshold', () => {
    expect(
      datasetDrift([f('a', true), f('b', false), f('c', false)], { datasetThreshold: 0.3 }).dataset_drift,
    ).toBe(true);
    expect(() => datasetDrift([], { datasetThreshold: 2 })).toThrow(/within \[0, 1\]/);
  });

  it('weights by importance: one important drifted feature outweighs two idle ones', () => {
    const features = [f('amount', true), f('x1', false), f('x2', false)];
    const v = datasetDrift(features, { importances: { amount: 0.8, x1: 0.1, x2: 0.1 } });
    expect(v.drifted_share).toBeCloseTo(1 / 3, 15);
    expect(v.weighted_drifted_share).toBeCloseTo(0.8, 15);
    expect(v).toMatchObject({ dataset_drift: true, basis: 'importance', unweighted: [] });
  });

  it('gives a feature without an importance weight 0 and lists it', () => {
    const v = datasetDrift([f('a', true), f('b', false)], { importances: new Map([['b', 1]]) });
    expect(v).toMatchObject({ weighted_drifted_share: 0, dataset_drift: false, unweighted: ['a'] });
  });

  it('falls back to the plain share when no weight is positive', () => {
    const v = datasetDrift([f('a', true), f('b', false)], { importances: { a: 0, b: 0 } });
    expect(v).toMatchObject({ basis: 'count', weighted_drifted_share: null, dataset_drift: true });
  });

  it('rejects negative or non-finite importances', () => {
    expect(() => datasetDrift([f('a', true)], { importances: { a: -1 } })).toThrow(/finite and ≥ 0/);
    expect(() => datasetDrift([f('a', true)], { importances: { a: Number.NaN } })).toThrow(/finite and ≥ 0/);
  });
});
