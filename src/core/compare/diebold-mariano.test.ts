import { describe, expect, it } from 'vitest';
import { dieboldMariano } from './diebold-mariano.js';

describe('dieboldMariano', () => {
  it('reports the MAE difference for absolute loss, negative when the candidate is better', () => {
    const r = dieboldMariano([1, -2, 0.5, 1.5, -1], [0.5, -1, 0.2, 1, -0.9], { loss: 'absolute' });
    if (!r.ok) throw new Error(r.message);
    expect(r.difference).toBeCloseTo((0.5 + 1 + 0.3 + 0.5 + 0.1) / -5, 15);
    expect(r.test).toBe('diebold_mariano_absolute');
  });
  it('is undefined when the loss differential is constant', () => {
    expect(dieboldMariano([1, 1, 1], [1, 1, 1]).ok).toBe(false);
  });
  it('rejects a bad horizon', () => {
    expect(() => dieboldMariano([1, 2], [1, 2], { horizon: 0 })).toThrow(RangeError);
  });
});
