/*
 * Label-free estimation of a regression model's MAE, MSE and RMSE by reweighting reference
 * errors, in the spirit of NannyML's direct loss estimation (DLE,
 * https://nannyml.readthedocs.io/en/stable/how_it_works/performance_estimation.html) but with
 * no model trained at query time.
 *
 * Method: the caller puts each row in a cell, a key of bin indices such as
 * [prediction decile] or [prediction decile, feature bin, …]. On the labelled reference each
 * cell keeps count, Σ|e|, Σe² and Σe⁴ (mergeable sums ClickHouse computes per time bucket).
 * The current period needs only its count per cell. With w_c the current share of cell c,
 *   E[MAE] = Σ_c w_c · mean_ref(|e| | c),   E[MSE] = Σ_c w_c · mean_ref(e² | c),  RMSE = √E[MSE].
 * A current cell with fewer than `minCount` reference rows falls back to its key prefix
 * (dropping the last dimension, then the next, down to the whole reference), and `supported`
 * reports the share of rows whose full cell had support.
 * Bands: delta method, (1) sampling: given the cells, the realised mean has variance
 * Σ_c n_c·var_c / N²; (2) reference: each fitted cell's mean carries var_c / m_c, weighted by
 * the squared current share routed to it. RMSE's band is the square root of MSE's.
 *
 * Limits: the error distribution is assumed to depend on the inputs only through the cell
 * (covariate shift within a cell, and any concept drift, are invisible); bins chosen on the
 * reference can be coarse where the current data moved (open-ended end bins); features that
 * drive the error but are not in the key are missed, which is why the key may include them.
 */
import { band, DEFAULT_LEVEL, type EstimatedMetric, zForLevel } from './band.js';

/** CellKey identifies a cell: bin indices (or category values), outermost first. */
export type CellKey = readonly (number | string)[];

/** RegressionCellStats are the reference error sums of one cell. */
export interface RegressionCellStats {
  readonly key: CellKey;
  readonly count: number;
  readonly sumAbsError: number;
  readonly sumSquaredError: number;
  readonly sumFourthPowerError: number;
}

/** CellCount is how many current rows fall in one cell. */
export interface CellCount {
  readonly key: CellKey;
  readonly count: number;
}

/** RegressionEstimateOptions configures estimateRegression. */
export interface RegressionEstimateOptions {
  /** Reference rows a cell needs before it is used instead of its prefix. Default 20. */
  readonly minCount?: number;
  /** Nominal coverage of the bands. Default 0.95. */
  readonly level?: number;
}

/** RegressionEstimate is the label-free estimate of a regression model's errors. */
export interface RegressionEstimate {
  readonly count: number;
  readonly mae: EstimatedMetric;
  readonly mse: EstimatedMetric;
  readonly rmse: EstimatedMetric;
  /** Share of current rows whose full cell had ≥ minCount reference rows. */
  readonly supported: number;
}

interface Sums {
  count: number;
  abs: number;
  sq: number;
  fourth: number;
}

const keyOf = (key: CellKey, length: number): string => JSON.stringify(key.slice(0, length));

function prefixSums(reference: readonly RegressionCellStats[]): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const c of reference) {
    if (!(c.count > 0)) continue;
    for (let len = 0; len <= c.key.length; len++) {
      const k = keyOf(c.key, len);
      const s = out.get(k) ?? { count: 0, abs: 0, sq: 0, fourth: 0 };
      s.count += c.count;
      s.abs += c.sumAbsError;
      s.sq += c.sumSquaredError;
      s.fourth += c.sumFourthPowerError;
      out.set(k, s);
    }
  }
  return out;
}

/**
 * estimateRegression estimates MAE, MSE and RMSE of the current period from reference error
 * sums per cell and current counts per cell. NaN without reference rows or current rows.
 *
 * @example
 * estimateRegression(
 *   [{ key: [0], count: 100, sumAbsError: 100, sumSquaredError: 200, sumFourthPowerError: 800 },
 *    { key: [1], count: 100, sumAbsError: 300, sumSquaredError: 1000, sumFourthPowerError: 9000 }],
 *   [{ key: [1], count: 30 }, { key: [0], count: 10 }],
 * ).mae.value; // 2.5 = (10·1 + 30·3) / 40
 */
export function estimateRegression(
  reference: readonly RegressionCellStats[],
  current: readonly CellCount[],
  options: RegressionEstimateOptions = {},
): RegressionEstimate {
  const minCount = options.minCount ?? 20;
  const z = zForLevel(options.level ?? DEFAULT_LEVEL);
  const sums = prefixSums(reference);
  // Current rows routed to each fitted cell (full key or a prefix).
  const routed = new Map<string, { n: number; sums: Sums }>();
  let n = 0;
  let supported = 0;
  for (const c of current) {
    if (!(c.count > 0)) continue;
    n += c.count;
    for (let len = c.key.length; len >= 0; len--) {
      const k = keyOf(c.key, len);
      const s = sums.get(k);
      if (s === undefined || (s.count < minCount && len > 0)) continue;
      if (len === c.key.length) supported += c.count;
      const r = routed.get(k) ?? { n: 0, sums: s };
      r.n += c.count;
      routed.set(k, r);
      break;
    }
  }
  let mae = 0;
  let mse = 0;
  let maeVar = 0;
  let mseVar = 0;
  let routedRows = 0;
  for (const { n: nc, sums: s } of routed.values()) {
    const mAbs = s.abs / s.count;
    const mSq = s.sq / s.count;
    const vAbs = Math.max(0, mSq - mAbs * mAbs);
    const vSq = Math.max(0, s.fourth / s.count - mSq * mSq);
    routedRows += nc;
    mae += nc * mAbs;
    mse += nc * mSq;
    // Sampling of the current rows plus the error of the reference cell mean.
    maeVar += nc * vAbs + (nc * nc * vAbs) / s.count;
    mseVar += nc * vSq + (nc * nc * vSq) / s.count;
  }
  if (routedRows === 0 || routedRows !== n) {
    const nan = band(Number.NaN, Number.NaN, z);
    return { count: n, mae: nan, mse: nan, rmse: nan, supported: n > 0 ? supported / n : Number.NaN };
  }
  const maeBand = band(mae / n, maeVar / (n * n), z, 0, Number.POSITIVE_INFINITY);
  const mseBand = band(mse / n, mseVar / (n * n), z, 0, Number.POSITIVE_INFINITY);
  const rmse = Math.sqrt(mseBand.value);
  return {
    count: n,
    mae: maeBand,
    mse: mseBand,
    rmse: {
      value: rmse,
      se: rmse > 0 ? mseBand.se / (2 * rmse) : 0,
      lower: Math.sqrt(mseBand.lower),
      upper: Math.sqrt(mseBand.upper),
    },
    supported: supported / n,
  };
}

/**
 * regressionCellsOf sums reference errors per cell from raw rows (rows with a NaN prediction or
 * actual are skipped).
 *
 * @example
 * regressionCellsOf([[0], [0]], [1, 2], [2, 2])[0]!.sumAbsError; // 1
 */
export function regressionCellsOf(
  keys: readonly CellKey[],
  predictions: ArrayLike<number>,
  actuals: ArrayLike<number>,
): RegressionCellStats[] {
  if (keys.length !== predictions.length || keys.length !== actuals.length) {
    throw new RangeError('keys, predictions and actuals differ in length');
  }
  const m = new Map<string, { key: CellKey; count: number; abs: number; sq: number; fourth: number }>();
  keys.forEach((key, i) => {
    // i < keys.length = predictions.length = actuals.length.
    const e = actuals[i]! - predictions[i]!;
    if (Number.isNaN(e)) return;
    const k = JSON.stringify(key);
    const s = m.get(k) ?? { key, count: 0, abs: 0, sq: 0, fourth: 0 };
    s.count++;
    s.abs += Math.abs(e);
    s.sq += e * e;
    s.fourth += e ** 4;
    m.set(k, s);
  });
  return [...m.values()].map((s) => ({
    key: s.key,
    count: s.count,
    sumAbsError: s.abs,
    sumSquaredError: s.sq,
    sumFourthPowerError: s.fourth,
  }));
}

/**
 * cellCountsOf counts current rows per cell.
 *
 * @example
 * cellCountsOf([[1], [1], [2]]); // [{ key: [1], count: 2 }, { key: [2], count: 1 }]
 */
export function cellCountsOf(keys: readonly CellKey[]): CellCount[] {
  const m = new Map<string, { key: CellKey; count: number }>();
  for (const key of keys) {
    const k = JSON.stringify(key);
    const s = m.get(k) ?? { key, count: 0 };
    s.count++;
    m.set(k, s);
  }
  return [...m.values()];
}
