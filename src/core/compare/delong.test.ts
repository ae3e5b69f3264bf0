import { describe, expect, it } from 'vitest';
import { rocAuc } from '../metrics/roc.js';
import { delongPaired, delongUnpaired, delongVariance, midranks } from './delong.js';

describe('midranks', () => {
  it('averages tied ranks', () => {
    expect(Array.from(midranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });
});

describe('delongPaired', () => {
  const y = [0, 0, 1, 1, 0, 1, 0, 1];
  const a = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.6, 0.5];
  const b = [0.2, 0.3, 0.6, 0.7, 0.1, 0.5, 0.4, 0.9];
  it('gives the AUCs of rocAuc and a zero difference for identical scores', () => {
    const r = delongPaired(y, a, b);
    if (!r.ok) throw new Error(r.message);
    expect(r.reference).toBeCloseTo(rocAuc(y, a), 15);
    expect(r.candidate).toBeCloseTo(rocAuc(y, b), 15);
    const same = delongPaired(y, a, a);
    expect(same.ok && [same.difference, same.standardError, same.pValue]).toEqual([0, 0, 1]);
  });
  it('is undefined with fewer than two positives', () => {
    expect(delongPaired([0, 0, 1], [0.1, 0.2, 0.3], [0.3, 0.2, 0.1]).ok).toBe(false);
  });
  it('equals the unpaired variance sum when the covariance term is dropped', () => {
    const va = delongVariance(y, a)!;
    const vb = delongVariance(y, b)!;
    const u = delongUnpaired(y, a, y, b);
    expect(u.ok && u.standardError).toBeCloseTo(Math.sqrt(va.variance + vb.variance), 15);
  });
  it('rejects labels other than 0/1', () => {
    expect(() => delongPaired([0, 2], [0.1, 0.2], [0.1, 0.2])).toThrow(RangeError);
  });
});
