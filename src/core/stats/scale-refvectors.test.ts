// Drift statistics on features far from unit scale (1e-5, 1e9, and 1e9 + N(0, 1)) against
// scipy/numpy: scale-refvectors.json, written by scripts/refvectors/scale_vectors.py (read its
// header for the formulas). The same standard-normal draws are used at 1e-5 and 1e9, so every
// statistic but the raw W1 must agree across those scales. Tolerances as refvectors.test.ts:
// rel 1e-9 for closed forms, rel 1e-6 for p-values; the raw W1 and σ of the 1e9-offset case
// are differences of numbers near 1e9, known to ~1e-7 absolute (a float64 step there is 1.2e-7).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measuresOf, numericSummaryFromSamples } from '../drift/index.js';
import { driftMethods } from '../drift/methods.js';
import {
  jensenShannonDistance,
  ksTwoSample,
  psiQuantile,
  wassersteinDistance,
  wassersteinNormed,
} from './index.js';

interface Case {
  readonly name: string;
  readonly params: { offset: number; scale: number; shift_sd: number };
  readonly inputs: { x: number[]; y: number[] };
  readonly expected: {
    ks: { statistic: number; pvalue: number };
    wasserstein: number;
    wasserstein_norm: number;
    std: number;
    mean: number;
    edges: number[];
    psi: number;
    js: number;
  };
}

const file = new URL('./scale-refvectors.json', import.meta.url);
const vectors: { n_cases: number; cases: Case[] } = JSON.parse(readFileSync(file, 'utf8'));

function close(actual: number, expected: number, rel: number, what: string, abs = 1e-300): void {
  const err = Math.abs(actual - expected);
  const allowed = Math.max(abs, rel * Math.abs(expected));
  expect(err <= allowed, `${what}: got ${actual}, expected ${expected} (|err| ${err} > ${allowed})`).toBe(
    true,
  );
}

const CLOSED = 1e-9;
const PVALUE = 1e-6;

describe('drift statistics at 1e-5 and 1e9 scale (scipy reference vectors)', () => {
  it('has every case', () => {
    expect(vectors.cases.length).toBe(vectors.n_cases);
    expect(vectors.n_cases).toBe(6);
  });

  for (const c of vectors.cases) {
    const { x, y } = c.inputs;
    const e = c.expected;
    // W1 near 1e9 is a sum of differences of numbers ~1e9: ~1e-7 absolute per step.
    const wAbs = c.params.offset === 0 ? 0 : 1e-6;

    it(`${c.name}: core/stats match scipy`, () => {
      const ks = ksTwoSample(x, y);
      if (!ks.ok) throw new Error(ks.message);
      close(ks.statistic, e.ks.statistic, CLOSED, 'ks statistic');
      close(ks.pValue, e.ks.pvalue, PVALUE, 'ks p-value');
      close(wassersteinDistance(x, y), e.wasserstein, CLOSED, 'wasserstein', wAbs);
      close(wassersteinNormed(x, y), e.wasserstein_norm, c.params.offset === 0 ? CLOSED : 1e-6, 'normed');
      const psi = psiQuantile(x, y);
      expect(Array.from(psi.edges)).toEqual(e.edges);
      close(psi.psi, e.psi, CLOSED, 'psi');
      close(jensenShannonDistance(psi.referenceCounts, psi.currentCounts), e.js, CLOSED, 'js');
    });

    it(`${c.name}: the drift measures (value counts) match scipy and judge it ${c.params.shift_sd ? 'drifted' : 'stable'}`, () => {
      const feature = numericSummaryFromSamples(x, y);
      close(feature.reference.std, e.std, CLOSED, 'std', wAbs);
      const m = measuresOf(feature);
      close(m.ks().statistic, e.ks.statistic, CLOSED, 'ks');
      close(m.wasserstein().normed, e.wasserstein_norm, c.params.offset === 0 ? CLOSED : 1e-6, 'normed');
      close(m.binned().psi, e.psi, CLOSED, 'psi');
      close(m.binned().js, e.js, CLOSED, 'js');
      const drifted = c.params.shift_sd > 0;
      expect(driftMethods.wasserstein.evaluate(feature, undefined, m).drifted).toBe(drifted);
      expect(driftMethods.ks.evaluate(feature, undefined, m).drifted).toBe(drifted);
      expect(driftMethods.psi.evaluate(feature, undefined, m).drifted).toBe(drifted);
    });

    it(`${c.name}: the approximate forms (sketches, bins, upstream W1) normalise the same way`, () => {
      const sketched = numericSummaryFromSamples(x, y, { keepValueCounts: false, quantiles: 100 });
      const binned = numericSummaryFromSamples(x, y, { keepValueCounts: false });
      const upstream = { ...binned, wasserstein: e.wasserstein };
      close(measuresOf(upstream).wasserstein().normed, e.wasserstein_norm, 1e-6, 'upstream normed');
      for (const f of [sketched, binned]) {
        const w = measuresOf(f).wasserstein().normed;
        expect(w >= 0.1).toBe(c.params.shift_sd > 0);
      }
    });
  }

  it('every statistic but the raw W1 is the same at 1e-5 and 1e9', () => {
    for (const kind of ['shift_1sd', 'unchanged']) {
      const small = vectors.cases.find((c) => c.name === `scale_1e-5_${kind}`)!;
      const large = vectors.cases.find((c) => c.name === `scale_1e9_${kind}`)!;
      const a = measuresOf(numericSummaryFromSamples(small.inputs.x, small.inputs.y));
      const b = measuresOf(numericSummaryFromSamples(large.inputs.x, large.inputs.y));
      close(a.wasserstein().normed, b.wasserstein().normed, CLOSED, `${kind} normed`);
      close(a.binned().psi, b.binned().psi, CLOSED, `${kind} psi`);
      close(a.ks().statistic, b.ks().statistic, CLOSED, `${kind} ks`);
    }
  });
});
