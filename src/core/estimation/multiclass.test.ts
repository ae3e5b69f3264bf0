import { describe, expect, it } from 'vitest';
import { multiclassMetrics } from '../metrics/index.js';
import { gaussian, mulberry32 } from '../timeseries/synthetic.js';
import {
  estimateMulticlass,
  fitMulticlassCalibrator,
  multiclassCountsOf,
  multiclassFrequenciesOf,
} from './multiclass.js';

const CLASSES = ['a', 'b', 'c'];

function softmax(z: readonly number[], temperature = 1): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) * temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * draw: true class probabilities softmax(z), z = (1.5·x1, 1.5·x2, −0.8·(x1 + x2)); the model
 * reports softmax(1.6·z), an overconfident but order-preserving version. Covariate shift moves
 * x towards the point where the classes meet.
 */
function draw(rand: () => number, n: number, shifted: boolean): { labels: string[]; scores: number[][] } {
  const normal = gaussian(rand);
  const labels: string[] = [];
  const scores: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x1 = shifted ? 0.2 + 0.6 * normal() : normal();
    const x2 = shifted ? 0.1 + 0.6 * normal() : normal();
    const z = [1.5 * x1, 1.5 * x2, -0.8 * (x1 + x2)];
    const p = softmax(z);
    const u = rand();
    labels.push(u < p[0]! ? 'a' : u < p[0]! + p[1]! ? 'b' : 'c');
    scores.push(softmax(z, 1.6));
  }
  return { labels, scores };
}

describe('estimateMulticlass: reference values', () => {
  const cal = fitMulticlassCalibrator(
    ['a', 'b'],
    [
      { top: [{ score: 0.8, pos: 8, neg: 2 }], rest: [{ score: 0.2, pos: 1, neg: 9 }] },
      { top: [{ score: 0.8, pos: 9, neg: 1 }], rest: [{ score: 0.2, pos: 2, neg: 8 }] },
    ],
  );

  it('sums the expected top-label hits for accuracy and the one-vs-rest cells for F1', () => {
    const e = estimateMulticlass(cal, [
      { top: [{ score: 0.8, count: 10 }], rest: [{ score: 0.2, count: 10 }] },
      { top: [{ score: 0.8, count: 10 }], rest: [{ score: 0.2, count: 10 }] },
    ]);
    expect(e.accuracy.value).toBeCloseTo(17 / 20, 12);
    // class a: TP 8, FP 2, FN 10·0.1 = 1 → F1 16/19; class b: TP 9, FP 1, FN 2 → 18/21.
    expect(e.perClass[0]!.f1).toBeCloseTo(16 / 19, 12);
    expect(e.perClass[1]!.f1).toBeCloseTo(18 / 21, 12);
    expect(e.macroF1.value).toBeCloseTo((16 / 19 + 18 / 21) / 2, 12);
    expect(e.count).toBe(20);
  });

  it('is NaN on an empty current period', () => {
    const e = estimateMulticlass(cal, [
      { top: [], rest: [] },
      { top: [], rest: [] },
    ]);
    expect(e.accuracy.value).toBeNaN();
    expect(e.macroF1.value).toBeNaN();
  });

  it('rejects inputs whose class count disagrees', () => {
    expect(() => estimateMulticlass(cal, [{ top: [], rest: [] }])).toThrow(RangeError);
    expect(() => fitMulticlassCalibrator(['a'], [])).toThrow(RangeError);
  });

  it('builds split histograms from raw rows, skipping rows with a NaN score', () => {
    const counts = multiclassCountsOf(
      ['a', 'b'],
      ['a', 'b', 'b'],
      [
        [0.7, 0.3],
        [0.6, 0.4],
        [Number.NaN, 0.5],
      ],
    );
    expect(counts[0]!.top).toEqual([
      { score: 0.6, pos: 0, neg: 1 },
      { score: 0.7, pos: 1, neg: 0 },
    ]);
    expect(counts[1]!.rest).toEqual([
      { score: 0.3, pos: 0, neg: 1 },
      { score: 0.4, pos: 1, neg: 0 },
    ]);
    const freq = multiclassFrequenciesOf(['a', 'b'], [[0.2, 0.8]]);
    expect(freq[1]!.top).toEqual([{ score: 0.8, count: 1 }]);
  });
});

describe('estimateMulticlass: simulation with covariate shift', () => {
  const replicates = 200;
  const rand = mulberry32(77);
  let accCovered = 0;
  let f1Covered = 0;
  let accError = 0;
  let f1Error = 0;
  for (let r = 0; r < replicates; r++) {
    const ref = draw(rand, 3000, false);
    const cal = fitMulticlassCalibrator(
      CLASSES,
      multiclassCountsOf(CLASSES, ref.labels, ref.scores, { decimals: 2 }),
    );
    const cur = draw(rand, 500, r % 2 === 1);
    const est = estimateMulticlass(cal, multiclassFrequenciesOf(CLASSES, cur.scores, { decimals: 2 }));
    const predicted = cur.scores.map((s) => CLASSES[s.indexOf(Math.max(...s))]!);
    const realized = multiclassMetrics(cur.labels, predicted, { labels: CLASSES });
    const f1 = realized.macro.f1;
    if (realized.accuracy >= est.accuracy.lower && realized.accuracy <= est.accuracy.upper) accCovered++;
    if (f1 >= est.macroF1.lower && f1 <= est.macroF1.upper) f1Covered++;
    accError += Math.abs(realized.accuracy - est.accuracy.value);
    f1Error += Math.abs(f1 - est.macroF1.value);
  }

  it('accuracy: 95% bands cover 90–99% of chunks, MAE ≤ 0.025', () => {
    expect(accCovered / replicates).toBeGreaterThanOrEqual(0.9);
    expect(accCovered / replicates).toBeLessThanOrEqual(0.99);
    expect(accError / replicates).toBeLessThanOrEqual(0.025);
  });

  it('macro F1: 95% bands cover 90–99% of chunks, MAE ≤ 0.03', () => {
    expect(f1Covered / replicates).toBeGreaterThanOrEqual(0.9);
    expect(f1Covered / replicates).toBeLessThanOrEqual(0.99);
    expect(f1Error / replicates).toBeLessThanOrEqual(0.03);
  });
});
