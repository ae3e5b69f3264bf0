import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../timeseries/synthetic.js';
import { compareModels } from './compare.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Paired binary data: the candidate's signal is `gain` stronger than the reference's on
 * 'returning' users and `loss` weaker on 'new' users (share `newShare`).
 */
function generate(seed: number, n: number, gainOld: number, gainNew: number, newShare = 0.25) {
  const u = mulberry32(seed);
  const z = gaussian(u);
  const target: number[] = [];
  const ref: number[] = [];
  const cand: number[] = [];
  const user: string[] = [];
  const region: string[] = [];
  for (let i = 0; i < n; i++) {
    const y = u() < 0.5 ? 1 : 0;
    const isNew = u() < newShare;
    const s = 2 * y - 1;
    ref.push(sigmoid(1.0 * s + z()));
    cand.push(sigmoid((1.0 + (isNew ? gainNew : gainOld)) * s + z()));
    target.push(y);
    user.push(isNew ? 'new' : 'returning');
    region.push(['eu', 'us', 'apac'][Math.floor(u() * 3)]!);
  }
  return {
    task: 'binary' as const,
    paired: true,
    reference: { target, score: ref, prediction: ref.map((p) => (p >= 0.5 ? 1 : 0)) },
    candidate: { target, score: cand, prediction: cand.map((p) => (p >= 0.5 ? 1 : 0)) },
    segments: {
      user: { reference: user, candidate: user },
      region: { reference: region, candidate: region },
    },
  };
}

describe('compareModels', () => {
  it('finds a candidate better overall but worse for new users (after BH)', () => {
    const r = compareModels(generate(42, 4000, 0.8, -0.7), { metrics: ['auc', 'accuracy'] });
    expect(r.primary_metric).toBe('auc');
    expect(r.verdict).toBe('better');
    const seg = (c: string, v: string) => r.segments.find((s) => s.column === c && s.value === v)!;
    expect(seg('user', 'new').verdict).toBe('worse');
    expect(seg('user', 'new').adjusted_p_value!).toBeGreaterThanOrEqual(seg('user', 'new').p_value!);
    expect(seg('user', 'returning').verdict).toBe('better');
    expect(r.segments).toHaveLength(5);
    expect(r.regression).toBe(true);
    const auc = r.metrics.find((m) => m.metric === 'auc')!;
    expect(auc.test).toBe('delong_paired');
    expect(auc.ci![0]).toBeGreaterThan(0);
    expect(auc.mde!).toBeGreaterThan(0);
    expect(r.metrics.find((m) => m.metric === 'accuracy')!.test).toMatch(/^mcnemar/);
  });

  it('says no_detectable_difference for equal models in at most 5% of 200 seeds', () => {
    let falseAuc = 0;
    let falseAcc = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = compareModels(generate(seed, 200, 0, 0), { metrics: ['auc', 'accuracy'] });
      if (r.verdict !== 'no_detectable_difference') falseAuc++;
      if (r.metrics.find((m) => m.metric === 'accuracy')!.verdict !== 'no_detectable_difference') falseAcc++;
    }
    expect(falseAuc).toBeLessThanOrEqual(10);
    expect(falseAcc).toBeLessThanOrEqual(10);
  });

  it('with no difference, flags a regression (overall or in any of 5 segments after BH) in at most 5% of 200 seeds', () => {
    let regressions = 0;
    let flagged = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = compareModels(generate(1000 + seed, 300, 0, 0), { metrics: ['auc'] });
      if (r.regression) regressions++;
      if (r.segments.some((s) => s.flagged)) flagged++;
    }
    expect(regressions).toBeLessThanOrEqual(10);
    expect(flagged).toBeLessThanOrEqual(regressions);
  }, 30_000);

  it('flags a segment worse after BH only when the candidate is not worse overall', () => {
    const better = compareModels(generate(42, 4000, 0.8, -0.7), { metrics: ['auc'] });
    expect(better.segments.filter((s) => s.flagged).map((s) => `${s.column}=${s.value}`)).toEqual([
      'user=new',
    ]);
    // Worse everywhere: the segments are worse too, but nothing is hidden by the average.
    const worse = compareModels(generate(42, 4000, -0.5, -0.5), { metrics: ['auc'] });
    expect(worse.verdict).toBe('worse');
    expect(worse.segments.some((s) => s.verdict === 'worse')).toBe(true);
    expect(worse.segments.some((s) => s.flagged)).toBe(false);
  });

  it('reports the sample needed for the observed difference when it is not significant yet', () => {
    const r = compareModels(generate(3, 300, 0.15, 0.15), { metrics: ['auc'] });
    const auc = r.metrics[0]!;
    expect(auc.verdict).toBe('no_detectable_difference');
    expect(auc.needed_n!).toBeGreaterThan(300);
    expect(auc.additional_n).toBe(auc.needed_n! - 300);
    const fixed = compareModels(generate(3, 300, 0.15, 0.15), {
      metrics: ['auc'],
      effect: { auc: auc.mde! },
    });
    // Sizing for the MDE itself asks for the current sample.
    expect(fixed.metrics[0]!.needed_n).toBe(300);
  });

  it('compares unpaired samples with the unpaired tests', () => {
    const a = generate(5, 500, 0, 0);
    const b = generate(6, 600, 1, 1);
    const r = compareModels(
      { task: 'binary', paired: false, reference: a.reference, candidate: b.candidate },
      { metrics: ['auc', 'accuracy'], resamples: 500 },
    );
    expect(r.paired).toBe(false);
    expect(r.metrics.find((m) => m.metric === 'auc')!.test).toBe('delong_unpaired');
    expect(r.metrics.find((m) => m.metric === 'accuracy')!.test).toBe('unpaired_bootstrap');
    expect(r.verdict).toBe('better');
  });

  it('compares regression errors with Diebold–Mariano and a worse candidate is a regression', () => {
    const u = mulberry32(9);
    const z = gaussian(u);
    const target = Array.from({ length: 300 }, () => 10 + z());
    const ref = target.map((y) => y + 0.5 * z());
    const cand = target.map((y) => y + 0.8 * z());
    const r = compareModels({
      task: 'regression',
      paired: true,
      reference: { target, prediction: ref },
      candidate: { target, prediction: cand },
    });
    expect(r.metrics.map((m) => m.metric)).toEqual(['mae', 'mse', 'rmse', 'mape']);
    expect(r.metrics[0]!.test).toBe('diebold_mariano_absolute');
    expect(r.verdict).toBe('worse');
    expect(r.regression).toBe(true);
  });

  it('compares ranking metrics with a sign-flip randomization test', () => {
    const queries = (good: boolean) =>
      Array.from({ length: 60 }, (_, q) => ({
        ranking: good ? ['r', 'x', 'y'] : q % 3 === 0 ? ['r', 'x', 'y'] : ['x', 'y', 'r'],
        relevance: { r: 1 },
      }));
    const target = Array.from({ length: 60 }, () => 0);
    const r = compareModels({
      task: 'ranking',
      paired: true,
      reference: { target, queries: queries(false) },
      candidate: { target, queries: queries(true) },
    });
    expect(r.metrics.map((m) => [m.metric, m.test])).toEqual([
      ['ndcg@10', 'randomization_sign_flip'],
      ['mrr', 'randomization_sign_flip'],
    ]);
    expect(r.verdict).toBe('better');
  });

  it('compares multiclass accuracy by McNemar and macro-F1 by paired bootstrap', () => {
    const u = mulberry32(21);
    const classes = ['cat', 'dog', 'eel'];
    const target = Array.from({ length: 600 }, () => classes[Math.floor(u() * 3)]!);
    const noisy = (keep: number) => target.map((c) => (u() < keep ? c : classes[Math.floor(u() * 3)]!));
    const r = compareModels(
      {
        task: 'multiclass',
        paired: true,
        reference: { target, prediction: noisy(0.6) },
        candidate: { target, prediction: noisy(0.8) },
      },
      { resamples: 500 },
    );
    expect(r.metrics.map((m) => [m.metric, m.test, m.verdict])).toEqual([
      ['accuracy', 'mcnemar_chi2_corrected', 'better'],
      ['macro_f1', 'paired_bootstrap', 'better'],
    ]);
  });

  it('rejects an unknown primary metric', () => {
    expect(() => compareModels(generate(1, 50, 0, 0), { primary: 'f2' })).toThrow(/unknown metric f2/);
  });
});
