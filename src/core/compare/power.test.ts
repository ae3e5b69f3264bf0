import { describe, expect, it } from 'vitest';
import {
  mcnemarMinimumDetectableEffect,
  mcnemarSampleSize,
  minimumDetectableEffect,
  sampleSizeForEffect,
} from './power.js';

describe('power', () => {
  it('sizing for the MDE returns the current sample', () => {
    const se = 0.013;
    expect(sampleSizeForEffect(1000, se, minimumDetectableEffect(se))).toBeCloseTo(1000, 9);
  });
  it('McNemar MDE inverts the sample size', () => {
    const n = mcnemarSampleSize(0.2, 0.05);
    expect(mcnemarMinimumDetectableEffect(0.2, n)).toBeCloseTo(0.05, 12);
  });
  it('rejects a difference larger than the discordant rate allows', () => {
    expect(() => mcnemarSampleSize(0.01, 0.2)).toThrow(RangeError);
  });
});
