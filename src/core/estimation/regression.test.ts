import { describe, expect, it } from 'vitest';
import { binIndex, quantileEdges } from '../stats/index.js';
import { gaussian, mulberry32 } from '../timeseries/synthetic.js';
import { type CellKey, cellCountsOf, estimateRegression, regressionCellsOf } from './regression.js';

const cell = (key: CellKey, count: number, meanAbs: number, meanSq: number, meanFourth: number) => ({
  key,
  count,
  sumAbsError: count * meanAbs,
  sumSquaredError: count * meanSq,
  sumFourthPowerError: count * meanFourth,
});

describe('estimateRegression: reference values', () => {
  const reference = [
    cell([0, 'a'], 100, 1, 2, 8),
    cell([0, 'b'], 100, 3, 10, 90),
    cell([1, 'a'], 5, 9, 81, 6561),
  ];

  it('reweights reference cell errors by the current cell shares', () => {
    const e = estimateRegression(reference, [
      { key: [0, 'a'], count: 10 },
      { key: [0, 'b'], count: 30 },
    ]);
    expect(e.mae.value).toBeCloseTo(2.5, 12);
    expect(e.mse.value).toBeCloseTo((10 * 2 + 30 * 10) / 40, 12);
    expect(e.rmse.value).toBeCloseTo(Math.sqrt(8), 12);
    expect(e.supported).toBe(1);
    // var(|e|) is 1 in both cells: sampling 40/40² plus reference (10² + 30²)/100/40².
    expect(e.mae.se).toBeCloseTo(Math.sqrt(40 / 1600 + 1000 / 100 / 1600), 12);
  });

  it('falls back to the key prefix when a cell has too few reference rows', () => {
    // [1, 'a'] has 5 rows < 20, and prefix [1] has 5 too, so the rows use the whole reference.
    const e = estimateRegression(reference, [{ key: [1, 'a'], count: 10 }]);
    expect(e.mae.value).toBeCloseTo((100 + 300 + 45) / 205, 12);
    expect(e.supported).toBe(0);
    const lenient = estimateRegression(reference, [{ key: [1, 'a'], count: 10 }], { minCount: 5 });
    expect(lenient.mae.value).toBeCloseTo(9, 12);
    expect(lenient.supported).toBe(1);
  });

  it('uses the prefix for a cell the reference never saw', () => {
    const e = estimateRegression(reference, [{ key: [0, 'zz'], count: 4 }]);
    expect(e.mae.value).toBeCloseTo(2, 12);
    expect(e.supported).toBe(0);
  });

  type Case = { name: string; ref: typeof reference; cur: { key: CellKey; count: number }[] };
  const nanCases: Case[] = [
    { name: 'no current rows', ref: reference, cur: [] },
    { name: 'no reference rows', ref: [], cur: [{ key: [0], count: 3 }] },
    { name: 'only zero counts', ref: reference, cur: [{ key: [0, 'a'], count: 0 }] },
  ];
  it.each(nanCases)('is NaN with $name', ({ ref, cur }) => {
    const e = estimateRegression(ref, cur);
    expect(e.mae.value).toBeNaN();
    expect(e.rmse.upper).toBeNaN();
  });

  it('sums raw rows per cell and skips NaN', () => {
    const stats = regressionCellsOf([[0], [0], [1]], [1, 2, Number.NaN], [2, 4, 1]);
    expect(stats).toEqual([
      { key: [0], count: 2, sumAbsError: 3, sumSquaredError: 5, sumFourthPowerError: 17 },
    ]);
    expect(cellCountsOf([[1], [1], [2]])).toEqual([
      { key: [1], count: 2 },
      { key: [2], count: 1 },
    ]);
    expect(() => regressionCellsOf([[0]], [1, 2], [1])).toThrow(RangeError);
  });
});

describe('estimateRegression: simulation with covariate shift', () => {
  /**
   * y = x + sin(x) + ε·(0.3 + 0.5|x| + 0.6·[z > 0.5]); the model predicts x + sin(x). The
   * error grows with |x| (visible through the prediction) and with a feature z the model
   * ignores. Shifted chunks move x right and z up.
   */
  function draw(rand: () => number, n: number, shifted: boolean) {
    const normal = gaussian(rand);
    const pred: number[] = [];
    const actual: number[] = [];
    const z: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = shifted ? 0.8 + 0.8 * normal() : normal();
      const zi = shifted ? 0.4 + normal() : normal();
      const p = x + Math.sin(x);
      pred.push(p);
      z.push(zi);
      actual.push(p + normal() * (0.3 + 0.5 * Math.abs(x) + (zi > 0.5 ? 0.6 : 0)));
    }
    return { pred, actual, z };
  }

  const replicates = 200;
  const rand = mulberry32(2024);
  const tally = { mae: 0, rmse: 0, maeErr: 0, predOnlyErr: 0, maeErrShifted: 0 };
  for (let r = 0; r < replicates; r++) {
    const ref = draw(rand, 4000, false);
    const predEdges = quantileEdges(ref.pred, 10);
    const keys = (d: { pred: number[]; z: number[] }): CellKey[] =>
      d.pred.map((p, i) => [binIndex(predEdges, p), d.z[i]! > 0.5 ? 1 : 0]);
    const cur = draw(rand, 400, r % 2 === 1);
    const est = estimateRegression(
      regressionCellsOf(keys(ref), ref.pred, ref.actual),
      cellCountsOf(keys(cur)),
    );
    const predOnly = estimateRegression(
      regressionCellsOf(
        ref.pred.map((p) => [binIndex(predEdges, p)]),
        ref.pred,
        ref.actual,
      ),
      cellCountsOf(cur.pred.map((p) => [binIndex(predEdges, p)])),
    );
    const errors = cur.actual.map((a, i) => a - cur.pred[i]!);
    const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
    const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    if (mae >= est.mae.lower && mae <= est.mae.upper) tally.mae++;
    if (rmse >= est.rmse.lower && rmse <= est.rmse.upper) tally.rmse++;
    tally.maeErr += Math.abs(mae - est.mae.value);
    if (r % 2 === 1) {
      tally.maeErrShifted += Math.abs(mae - est.mae.value);
      tally.predOnlyErr += Math.abs(mae - predOnly.mae.value);
    }
  }

  it('MAE and RMSE: 95% bands cover 90–99% of 400-row chunks', () => {
    expect(tally.mae / replicates).toBeGreaterThanOrEqual(0.9);
    expect(tally.mae / replicates).toBeLessThanOrEqual(0.99);
    expect(tally.rmse / replicates).toBeGreaterThanOrEqual(0.9);
    expect(tally.rmse / replicates).toBeLessThanOrEqual(0.99);
  });

  it('MAE is estimated within 0.05 on average (true MAE ≈ 0.7–1.1)', () => {
    expect(tally.maeErr / replicates).toBeLessThanOrEqual(0.05);
  });

  it('keying on the error-driving feature beats binning the prediction alone under shift', () => {
    expect(tally.maeErrShifted).toBeLessThan(tally.predOnlyErr);
  });
});
