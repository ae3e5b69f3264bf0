import { describe, expect, it } from 'vitest';
import { evidenceToScore, isSensitivity, SENSITIVITIES, SENSITIVITY_CUTOFF } from './sensitivity.js';

describe('evidenceToScore', () => {
  it.each([
    { evidence: 0, score: 0 },
    { evidence: -1, score: 0 },
    { evidence: Number.NaN, score: 0 },
    { evidence: 1, score: 0.5 },
    { evidence: 3, score: 0.75 },
    { evidence: Number.POSITIVE_INFINITY, score: 1 },
  ])('$evidence → $score', ({ evidence, score }) => {
    expect(evidenceToScore(evidence)).toBe(score);
  });
});

describe('presets', () => {
  it('are ordered: a more sensitive preset needs less evidence', () => {
    const cutoffs = SENSITIVITIES.map((s) => SENSITIVITY_CUTOFF[s]);
    expect(cutoffs).toEqual([...cutoffs].sort((a, b) => b - a));
  });

  it('narrows unknown input', () => {
    expect(['low', 'medium', 'high', 'max', 1, null].map(isSensitivity)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
