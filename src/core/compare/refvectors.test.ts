// Checks every case of refvectors.json (scripts/refvectors/compare_vectors.py; the versions of
// numpy, scipy, scikit-learn and statsmodels are recorded in the file) against core/compare.
// Deterministic statistics to 1e-9 relative (REL); resampling tests within 4 Monte-Carlo
// standard errors of the reference distribution, seeded. A case whose function has no handler
// fails, so new vectors cannot be skipped silently.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brierScore } from '../metrics/binary.js';
import { multiclassMetrics } from '../metrics/multiclass.js';
import { mulberry32 } from '../timeseries/synthetic.js';
import {
  benjaminiHochberg,
  cohensH,
  delongPaired,
  delongUnpaired,
  delongVariance,
  dieboldMariano,
  mcnemarPValue,
  mcnemarSampleSize,
  meanDifferenceSampleSize,
  minimumDetectableEffect,
  pairedBootstrap,
  permutationTest,
  signFlipTest,
  twoProportionSampleSize,
  unpairedBootstrap,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: the JSON cases are heterogeneous by design.
type Json = any;
const file = JSON.parse(readFileSync(new URL('./refvectors.json', import.meta.url), 'utf8')) as {
  cases: Array<{ name: string; function: string; inputs: Json; expected: Json }>;
};

/** Deterministic statistics: 1e-9 relative (1e-15 absolute for values at 0). */
const REL = 1e-9;
function close(actual: number, expected: number, rel = REL): void {
  const tol = Math.max(rel * Math.abs(expected), 1e-15);
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tol})`);
  }
}
function within(actual: number, expected: number, se: number, what: string): void {
  if (!(Math.abs(actual - expected) <= 4 * se))
    expect.fail(`${what}: ${actual} vs reference ${expected}, more than 4 SE (${se}) apart`);
}

const ours = (r: Json) => {
  if (!r.ok) expect.fail(`undefined: ${r.message}`);
  return r;
};

/**
 * checkBootstrap compares a seeded bootstrap of B resamples with the reference's: the observed
 * difference exactly; SE, CI ends and p-value within 4 Monte-Carlo standard errors of both runs
 * (SE of a standard deviation ≈ σ/√(2B); of a quantile q ≈ σ·√(q(1−q)/B)/φ(z_q), normal
 * approximation; of a proportion p ≈ √(p(1−p)/B), doubled for the two-sided p, and never
 * below the p-value's resolution 2/(B + 1)).
 */
function checkBootstrap(result: Json, e: Json, B: number): void {
  const r = ours(result);
  close(r.difference, e.difference);
  const sdErr = e.standardError * Math.sqrt(1 / (2 * B) + 1 / (2 * e.resamples));
  within(r.standardError, e.standardError, sdErr, 'bootstrap SE');
  const qErr = (e.standardError * Math.sqrt(0.025 * 0.975 * (1 / B + 1 / e.resamples))) / 0.05844;
  within(r.ci[0], e.ci[0], qErr, 'CI low');
  within(r.ci[1], e.ci[1], qErr, 'CI high');
  const pErr = Math.sqrt(e.pValue * (1 - e.pValue) * (1 / B + 1 / e.resamples)) * 2;
  within(r.pValue, e.pValue, Math.max(pErr, 2 / (B + 1)), 'p-value');
}

const handlers: Record<string, (inputs: Json, expected: Json) => void> = {
  delongPaired(i, e) {
    const r = ours(delongPaired(i.y, i.reference, i.candidate));
    close(r.reference, e.reference);
    close(r.candidate, e.candidate);
    close(r.difference, e.difference);
    close(r.standardError, e.standardError);
    close(r.statistic, e.statistic);
    close(r.pValue, e.pValue);
    close(r.ci[0], e.ci[0]);
    close(r.ci[1], e.ci[1]);
    // Asymptotic cross-check: DeLong's SE within 5% of a 20000-resample bootstrap's.
    expect(Math.abs(r.standardError / e.bootstrapStandardError - 1)).toBeLessThan(0.05);
  },
  delongUnpaired(i, e) {
    const r = ours(delongUnpaired(i.yReference, i.reference, i.yCandidate, i.candidate));
    close(r.difference, e.difference);
    close(r.standardError, e.standardError);
    close(r.pValue, e.pValue);
    close(r.ci[0], e.ci[0]);
    close(r.ci[1], e.ci[1]);
    expect(Math.abs(r.standardError / e.bootstrapStandardError - 1)).toBeLessThan(0.05);
  },
  delongPublished(i, e) {
    const r = delongVariance(i.y, i.score)!;
    close(r.auc, e.auc);
    close(r.variance, e.variance);
    // Hanley & McNeil 1982 Table 1, as published: AUC 0.893 (three decimals); their SE 0.032
    // comes from a different (exponential) approximation, so DeLong's is only within 10%.
    expect(Math.round(r.auc * 1000) / 1000).toBe(e.publishedAuc);
    expect(Math.abs(Math.sqrt(r.variance) / e.publishedHanleyMcNeilSe - 1)).toBeLessThan(0.1);
  },
  mcnemarPValue(i, e) {
    const ex = mcnemarPValue(i.b, i.c, 'exact');
    close(ex.statistic, e.exact.statistic);
    close(ex.pValue, e.exact.pValue);
    const ch = mcnemarPValue(i.b, i.c, 'chi2_corrected');
    close(ch.statistic, e.chi2_corrected.statistic);
    close(ch.pValue, e.chi2_corrected.pValue);
    const auto = mcnemarPValue(i.b, i.c);
    expect(auto.method).toBe(i.b + i.c < 25 ? 'exact' : 'chi2_corrected');
  },
  benjaminiHochberg(i, e) {
    const r = benjaminiHochberg(i.p);
    r.forEach((p, k) => {
      close(p, e.adjusted[k]);
    });
  },
  dieboldMariano(i, e) {
    const r = ours(dieboldMariano(i.reference, i.candidate, { loss: i.loss, horizon: i.horizon }));
    close(r.difference, e.difference);
    close(r.standardError, e.standardError);
    close(r.statistic, e.statistic);
    close(r.pValue, e.pValue);
    close(r.ci[0], e.ci[0]);
    close(r.ci[1], e.ci[1]);
  },
  twoProportionSampleSize(i, e) {
    close(cohensH(i.p1, i.p2), e.cohensH);
    close(twoProportionSampleSize(i.p1, i.p2), e.n);
    close(twoProportionSampleSize(i.p1, i.p2), e.statsmodels, 1e-5);
  },
  meanDifferenceSampleSize(i, e) {
    close(meanDifferenceSampleSize(i.sd, i.delta), e.n);
    close(meanDifferenceSampleSize(i.sd, i.delta), e.statsmodels, 1e-5);
  },
  mcnemarSampleSize(i, e) {
    close(mcnemarSampleSize(i.psi, i.delta), e.n);
  },
  minimumDetectableEffect(i, e) {
    close(minimumDetectableEffect(i.se), e.mde);
  },
  pairedBootstrap(i, e) {
    const B = 4000;
    const metric = (p: number[]) => (idx: Int32Array) =>
      brierScore(
        Array.from(idx, (k) => i.y[k]),
        Array.from(idx, (k) => p[k]!),
      );
    checkBootstrap(
      pairedBootstrap(i.y.length, metric(i.reference), metric(i.candidate), mulberry32(11), { resamples: B }),
      e,
      B,
    );
  },
  pairedBootstrapMacroF1(i, e) {
    const metric = (p: number[]) => (idx: Int32Array) =>
      multiclassMetrics(
        Array.from(idx, (k) => i.y[k] as number),
        Array.from(idx, (k) => p[k]!),
      ).macro.f1;
    checkBootstrap(
      pairedBootstrap(i.y.length, metric(i.reference), metric(i.candidate), mulberry32(13), {
        resamples: 3000,
      }),
      e,
      3000,
    );
  },
  unpairedBootstrap(i, e) {
    const mean = (xs: number[]) => (idx: Int32Array) => idx.reduce((s, k) => s + xs[k]!, 0) / idx.length;
    checkBootstrap(
      unpairedBootstrap(
        i.reference.length,
        i.candidate.length,
        mean(i.reference),
        mean(i.candidate),
        mulberry32(17),
        {
          resamples: 4000,
        },
      ),
      e,
      4000,
    );
  },
  signFlipTest(i, e) {
    const B = 5000;
    const r = ours(signFlipTest(i.d, mulberry32(5), B));
    close(r.difference, e.difference);
    close(r.standardError, e.standardError);
    within(r.pValue, e.pValue, Math.sqrt((e.pValue * (1 - e.pValue)) / B), 'p-value');
  },
  permutationTest(i, e) {
    const B = 5000;
    const r = ours(permutationTest(i.reference, i.candidate, mulberry32(5), B));
    close(r.difference, e.difference);
    within(r.pValue, e.pValue, Math.sqrt((e.pValue * (1 - e.pValue)) / B), 'p-value');
  },
};

describe('core/compare reference vectors', () => {
  for (const c of file.cases) {
    it(c.name, () => {
      const h = handlers[c.function];
      if (!h) expect.fail(`no handler for ${c.function}`);
      h(c.inputs, c.expected);
    });
  }
});
