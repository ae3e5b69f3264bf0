import { describe, expect, it } from 'vitest';
import { discordantCounts, MCNEMAR_EXACT_BELOW, mcnemarPValue, mcnemarTest } from './mcnemar.js';

describe('mcnemar', () => {
  it('uses the exact test below 25 discordant pairs and chi-square from 25', () => {
    expect(MCNEMAR_EXACT_BELOW).toBe(25);
    expect(mcnemarPValue(12, 12).method).toBe('exact');
    expect(mcnemarPValue(12, 13).method).toBe('chi2_corrected');
  });
  it('gives p = 1 with no discordant pairs', () => {
    expect(mcnemarPValue(0, 0).pValue).toBe(1);
    expect(mcnemarPValue(0, 0, 'chi2_corrected').pValue).toBe(1);
  });
  it('reports the accuracy difference candidate − reference', () => {
    const c = discordantCounts([true, true, false, false], [false, true, true, true]);
    expect(c).toEqual({ n: 4, b: 1, c: 2 });
    const r = mcnemarTest({ n: 100, b: 3, c: 12 });
    expect(r.ok && r.difference).toBeCloseTo(0.09, 15);
    expect(r.ok && r.test).toBe('mcnemar_exact');
  });
});
