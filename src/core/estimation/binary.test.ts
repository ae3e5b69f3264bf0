import { describe, expect, it } from 'vitest';
import { confusionAtThreshold, metricsFromConfusion, rocAuc } from '../metrics/index.js';
import { gaussian, mulberry32 } from '../timeseries/synthetic.js';
import { estimateBinary } from './binary.js';
import { calibrate, fitCalibrator } from './calibrator.js';
import { scoreCountsOf, scoreFrequenciesOf } from './rows.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Sample {
  labels: number[];
  scores: number[];
}

/**
 * draw simulates a correctly specified but miscalibrated model: y ~ Bernoulli(σ(L)) with
 * L = 2·x1 + 1.5·x2 − 0.5, and score = σ(0.6·L + 0.4), a monotone map of the true
 * probability, so calibration on the reference recovers P(y | score). Covariate shift moves
 * and squeezes x (P(y | x) unchanged), crowding scores near the decision boundary.
 */
function draw(rand: () => number, n: number, shifted: boolean): Sample {
  const normal = gaussian(rand);
  const labels: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const x1 = shifted ? 0.3 + 0.5 * normal() : normal();
    const x2 = shifted ? -0.2 + 0.6 * normal() : normal();
    const logit = 2 * x1 + 1.5 * x2 - 0.5;
    labels.push(rand() < sigmoid(logit) ? 1 : 0);
    scores.push(sigmoid(0.6 * logit + 0.4));
  }
  return { labels, scores };
}

describe('estimateBinary: reference values', () => {
  const cal = fitCalibrator([
    { score: 0.1, pos: 1, neg: 9 },
    { score: 0.9, pos: 9, neg: 1 },
  ]);

  it('computes the expected confusion matrix by hand', () => {
    // 50 rows at p = 0.1 (predicted negative), 30 at p = 0.9 (positive), 20 at 0.5 → p = 0.5 (positive).
    const e = estimateBinary(cal, [
      { score: 0.1, count: 50 },
      { score: 0.9, count: 30 },
      { score: 0.5, count: 20 },
    ]);
    expect(e.confusion.tp).toBeCloseTo(27 + 10, 12);
    expect(e.confusion.fp).toBeCloseTo(3 + 10, 12);
    expect(e.confusion.fn).toBeCloseTo(5, 12);
    expect(e.confusion.tn).toBeCloseTo(45, 12);
    expect(e.accuracy.value).toBeCloseTo(0.82, 12);
    expect(e.precision.value).toBeCloseTo(37 / 50, 12);
    expect(e.recall.value).toBeCloseTo(37 / 42, 12);
    expect(e.f1.value).toBeCloseTo(74 / (74 + 13 + 5), 12);
    expect(e.count).toBe(100);
  });

  it('equals a brute-force per-row expectation on raw scores (abs 1e-9; AUC abs 5e-3)', () => {
    const rand = mulberry32(7);
    const ref = draw(rand, 3000, false);
    const c = fitCalibrator(scoreCountsOf(ref.labels, ref.scores));
    const cur = draw(rand, 300, true);
    const e = estimateBinary(c, scoreFrequenciesOf(cur.scores), { threshold: 0.4 });
    let tp = 0;
    let fp = 0;
    const p = cur.scores.map((s) => calibrate(c, s));
    cur.scores.forEach((s, i) => {
      if (s >= 0.4) {
        tp += p[i]!;
        fp += 1 - p[i]!;
      }
    });
    expect(e.confusion.tp).toBeCloseTo(tp, 9);
    expect(e.confusion.fp).toBeCloseTo(fp, 9);
    // Expected AUC over distinct pairs i ≠ j; the estimator also counts each row against itself
    // at a tie, an O(1/n) difference.
    let num = 0;
    let den = 0;
    for (let i = 0; i < p.length; i++) {
      for (let j = 0; j < p.length; j++) {
        if (i === j) continue;
        const w = p[i]! * (1 - p[j]!);
        const si = cur.scores[i]!;
        const sj = cur.scores[j]!;
        num += w * (si > sj ? 1 : si === sj ? 0.5 : 0);
        den += w;
      }
    }
    expect(e.auc.value).toBeCloseTo(num / den, 2);
  });

  it('merging frequencies of two chunks equals estimating the concatenation', () => {
    const rand = mulberry32(3);
    const ref = draw(rand, 2000, false);
    const c = fitCalibrator(scoreCountsOf(ref.labels, ref.scores, { decimals: 2 }));
    const a = draw(rand, 200, false).scores;
    const b = draw(rand, 200, true).scores;
    const whole = estimateBinary(c, scoreFrequenciesOf([...a, ...b], { decimals: 2 }));
    const parts = estimateBinary(c, [
      ...scoreFrequenciesOf(a, { decimals: 2 }),
      ...scoreFrequenciesOf(b, { decimals: 2 }),
    ]);
    expect(parts.accuracy.value).toBeCloseTo(whole.accuracy.value, 12);
    expect(parts.auc.value).toBeCloseTo(whole.auc.value, 12);
    expect(parts.f1.se).toBeCloseTo(whole.f1.se, 12);
  });
});

describe('estimateBinary: edge cases', () => {
  const cal = fitCalibrator([
    { score: 0.1, pos: 1, neg: 9 },
    { score: 0.9, pos: 9, neg: 1 },
  ]);
  type Case = {
    name: string;
    current: { score: number; count: number }[];
    check: (e: ReturnType<typeof estimateBinary>) => void;
  };
  const cases: Case[] = [
    {
      name: 'empty current period → NaN metrics, count 0',
      current: [],
      check: (e) => {
        expect(e.count).toBe(0);
        expect(e.accuracy.value).toBeNaN();
        expect(e.auc.lower).toBeNaN();
      },
    },
    {
      name: 'NaN scores and zero counts are ignored',
      current: [
        { score: Number.NaN, count: 10 },
        { score: 0.9, count: 0 },
        { score: 0.9, count: 10 },
      ],
      check: (e) => {
        expect(e.count).toBe(10);
        expect(e.accuracy.value).toBeCloseTo(0.9, 12);
      },
    },
    {
      name: 'no predicted positives → precision NaN, accuracy defined',
      current: [{ score: 0.1, count: 10 }],
      check: (e) => {
        expect(e.precision.value).toBeNaN();
        expect(e.accuracy.value).toBeCloseTo(0.9, 12);
      },
    },
    {
      name: 'a single score group → AUC ½ (all ties)',
      current: [{ score: 0.9, count: 1 }],
      check: (e) => expect(e.auc.value).toBeCloseTo(0.5, 12),
    },
    {
      name: '±Infinity scores clip to the end knots',
      current: [
        { score: Number.NEGATIVE_INFINITY, count: 10 },
        { score: Number.POSITIVE_INFINITY, count: 10 },
      ],
      check: (e) => expect(e.accuracy.value).toBeCloseTo(0.9, 12),
    },
  ];
  it.each(cases)('$name', ({ current, check }) => check(estimateBinary(cal, current)));

  it('gives NaN estimates with an empty calibrator', () => {
    expect(estimateBinary(fitCalibrator([]), [{ score: 0.5, count: 3 }]).accuracy.value).toBeNaN();
  });

  it('bands stay within [0, 1] and contain the value', () => {
    const e = estimateBinary(cal, [{ score: 0.9, count: 3 }]);
    for (const m of [e.accuracy, e.precision, e.recall, e.f1]) {
      expect(m.lower).toBeGreaterThanOrEqual(0);
      expect(m.upper).toBeLessThanOrEqual(1);
      expect(m.lower).toBeLessThanOrEqual(m.value);
      expect(m.upper).toBeGreaterThanOrEqual(m.value);
    }
  });
});

describe('estimateBinary: simulation (correctly specified model, with and without covariate shift)', () => {
  // 300 replicates, each with its own reference (2 000 labelled rows) and one current chunk
  // of 500 rows; odd replicates are covariate-shifted. Each replicate draws a new reference,
  // so the calibration part of the band is exercised, not only the sampling part.
  const metrics = ['accuracy', 'precision', 'recall', 'f1', 'auc'] as const;
  type Name = (typeof metrics)[number];
  const covered: Record<Name, number> = { accuracy: 0, precision: 0, recall: 0, f1: 0, auc: 0 };
  const absError: Record<Name, number> = { accuracy: 0, precision: 0, recall: 0, f1: 0, auc: 0 };
  const coveredShifted: Record<Name, number> = { accuracy: 0, precision: 0, recall: 0, f1: 0, auc: 0 };
  const replicates = 300;
  const rand = mulberry32(20240601);
  for (let r = 0; r < replicates; r++) {
    const ref = draw(rand, 2000, false);
    const cal = fitCalibrator(scoreCountsOf(ref.labels, ref.scores, { decimals: 3 }));
    const cur = draw(rand, 500, r % 2 === 1);
    const est = estimateBinary(cal, scoreFrequenciesOf(cur.scores, { decimals: 3 }));
    const realized = metricsFromConfusion(confusionAtThreshold(cur.labels, cur.scores, 0.5));
    const actual: Record<Name, number> = {
      accuracy: realized.accuracy,
      precision: realized.precision,
      recall: realized.recall,
      f1: realized.f1,
      auc: rocAuc(cur.labels, cur.scores),
    };
    for (const m of metrics) {
      const inside = actual[m] >= est[m].lower && actual[m] <= est[m].upper;
      if (inside) covered[m]++;
      if (inside && r % 2 === 1) coveredShifted[m]++;
      absError[m] += Math.abs(est[m].value - actual[m]);
    }
  }

  it.each(metrics)(
    '%s: 95%% bands cover the realised value 91–99%% of the time, shifted half ≥ 88%%',
    (m) => {
      expect(covered[m] / replicates).toBeGreaterThanOrEqual(0.91);
      expect(covered[m] / replicates).toBeLessThanOrEqual(0.99);
      expect(coveredShifted[m] / (replicates / 2)).toBeGreaterThanOrEqual(0.88);
    },
  );

  it.each(metrics)('%s: mean absolute error ≤ 0.03 on 500-row chunks', (m) => {
    expect(absError[m] / replicates).toBeLessThanOrEqual(0.03);
  });
});
