import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../timeseries/synthetic.js';
import { pairedBootstrap, unpairedBootstrap } from './bootstrap.js';

const mean = (xs: number[]) => (idx: Int32Array) => idx.reduce((s, i) => s + xs[i]!, 0) / idx.length;

describe('bootstrap', () => {
  const a = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const b = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0));
  it('is reproducible for a seed', () => {
    const r1 = pairedBootstrap(200, mean(a), mean(b), mulberry32(3), { resamples: 300 });
    const r2 = pairedBootstrap(200, mean(a), mean(b), mulberry32(3), { resamples: 300 });
    expect(r1).toEqual(r2);
  });
  it('brackets the observed difference and detects a clear one', () => {
    const r = pairedBootstrap(200, mean(a), mean(b), mulberry32(3), { resamples: 1000 });
    if (!r.ok) throw new Error(r.message);
    expect(r.difference).toBeCloseTo(0.5 - 67 / 200, 15);
    expect(r.ci[0]).toBeLessThan(r.difference);
    expect(r.ci[1]).toBeGreaterThan(r.difference);
    expect(r.pValue).toBeLessThan(0.01);
  });
  it('gives p = 1 for identical models', () => {
    const r = pairedBootstrap(200, mean(a), mean(a), mulberry32(1), { resamples: 200 });
    expect(r.ok && r.pValue).toBe(1);
  });
  it('drops resamples where the metric is undefined and counts them', () => {
    const nanOnOdd = (idx: Int32Array) => (idx[0]! % 2 === 1 ? Number.NaN : 0);
    const r = unpairedBootstrap(10, 10, nanOnOdd, () => 1, mulberry32(2), { resamples: 100 });
    expect(r.ok && r.dropped).toBeGreaterThan(0);
  });
});
