import { describe, expect, it } from 'vitest';
import { verdictOf } from './verdict.js';

describe('verdictOf', () => {
  it.each([
    [0.02, 0.001, true, 'better'],
    [0.02, 0.001, false, 'worse'],
    [-0.02, 0.001, true, 'worse'],
    [-0.02, 0.001, false, 'better'],
    [0.02, 0.05, true, 'no_detectable_difference'],
    [0.02, Number.NaN, true, 'no_detectable_difference'],
  ] as const)('difference %d, p %d, higher better %s → %s', (d, p, h, v) => {
    expect(verdictOf(d, p, h)).toBe(v);
  });
});
