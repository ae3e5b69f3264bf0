import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING } from './detector.js';
import { ResidualScorer } from './residual-scorer.js';
import { gaussian, mulberry32 } from './synthetic.js';

const HOUR = 3_600_000;

describe('ResidualScorer', () => {
  it('gives point evidence above 1 to a spike and below 1 to ordinary noise', () => {
    const s = new ResidualScorer(DEFAULT_TUNING);
    const noise = gaussian(mulberry32(1));
    const evidence: number[] = [];
    for (let i = 0; i < 600; i++) evidence.push(s.step(i * HOUR, 10 + noise()).pointEvidence);
    expect(Math.max(...evidence.slice(100))).toBeLessThan(1.2);
    expect(s.step(600 * HOUR, 30).pointEvidence).toBeGreaterThan(2);
  });

  it('scales a daily profile by the regime ratio when a positive series doubles', () => {
    const values = Float64Array.from({ length: 24 }, (_, h) => 5 * Math.sin((2 * Math.PI * h) / 24));
    const s = new ResidualScorer(DEFAULT_TUNING, [{ periodMs: 24 * HOUR, bucketMs: HOUR, values }]);
    const at = (h: number) => 100 + 5 * Math.sin((2 * Math.PI * h) / 24);
    let change = -1;
    for (let h = 0; h < 24 * 30; h++) {
      const step = s.step(h * HOUR, h < 24 * 20 ? at(h) : 2 * at(h));
      if (step.changepoint && change < 0) change = h;
    }
    expect(change).toBeGreaterThanOrEqual(24 * 20);
    expect(change).toBeLessThanOrEqual(24 * 20 + 6);
    const amplitude = Math.max(...(s.profiles[0]?.values ?? []));
    expect(amplitude).toBeCloseTo(10, 0);
  });

  it('keeps an additive profile for a series that has been negative', () => {
    const values = Float64Array.from({ length: 24 }, (_, h) => 5 * Math.sin((2 * Math.PI * h) / 24));
    const s = new ResidualScorer(DEFAULT_TUNING, [{ periodMs: 24 * HOUR, bucketMs: HOUR, values }]);
    const at = (h: number) => 5 * Math.sin((2 * Math.PI * h) / 24);
    for (let h = 0; h < 24 * 30; h++) s.step(h * HOUR, h < 24 * 20 ? at(h) : at(h) + 50);
    expect(Math.max(...(s.profiles[0]?.values ?? []))).toBeCloseTo(5, 0);
  });
});
