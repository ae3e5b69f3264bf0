/*
 * Regression error metrics, as scikit-learn 1.2:
 *
 *   MAE = mean|y − ŷ|,  MSE = mean(y − ŷ)²,  RMSE = √MSE,
 *   MAPE = mean(|y − ŷ| / max(|y|, ε)) as a FRACTION (not %), ε = float64 machine epsilon,
 *   R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²,
 *   meanError (bias) = mean(ŷ − y): positive means the model over-predicts.
 *
 * Epsilon: MAPE divides by max(|y|, 2.220446049250313e-16) as sklearn does, so a zero target
 * does not give Infinity but a huge term (~4.5e15 · |ŷ|); the value is then meaningless and
 * sklearn does not skip it either. R² with constant y (Σ(y − ȳ)² = 0) follows sklearn's
 * force_finite: 1 for a perfect prediction, 0 otherwise; with forceFinite: false it is
 * −Infinity (or NaN for a perfect prediction). Empty input or any NaN gives NaN.
 */

/** RegressionMetrics are the error metrics of one set of predictions. */
export interface RegressionMetrics {
  readonly mae: number;
  readonly mse: number;
  readonly rmse: number;
  readonly mape: number;
  readonly r2: number;
  readonly meanError: number;
}

/** RegressionOptions configures R² for constant targets. */
export interface RegressionOptions {
  /** Default true (sklearn's force_finite). */
  readonly forceFinite?: boolean;
}

/**
 * regressionMetrics computes MAE, MSE, RMSE, MAPE, R² and mean error in two passes.
 *
 * @example
 * regressionMetrics([0, 2, 4], [1, 2, 3]); // { mae: 0.667, mse: 0.667, rmse: 0.816, r2: 0.75, … }
 */
export function regressionMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionOptions = {},
): RegressionMetrics {
  if (yTrue.length !== yPred.length) throw new RangeError('yTrue and yPred differ in length');
  const n = yTrue.length;
  if (n === 0) {
    const nan = Number.NaN;
    return { mae: nan, mse: nan, rmse: nan, mape: nan, r2: nan, meanError: nan };
  }
  let abs = 0;
  let sq = 0;
  let pct = 0;
  let err = 0;
  let sumY = 0;
  // i < n = yTrue.length = yPred.length bounds every index.
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    const d = yPred[i]! - y;
    abs += Math.abs(d);
    sq += d * d;
    pct += Math.abs(d) / Math.max(Math.abs(y), Number.EPSILON);
    err += d;
    sumY += y;
  }
  const meanY = sumY / n;
  let ssTot = 0;
  for (let i = 0; i < n; i++) ssTot += (yTrue[i]! - meanY) ** 2;
  let r2: number;
  if (options.forceFinite === false || (ssTot !== 0 && sq !== 0)) r2 = 1 - sq / ssTot;
  else r2 = sq === 0 ? 1 : 0;
  if (Number.isNaN(sq) || Number.isNaN(ssTot)) r2 = Number.NaN;
  return { mae: abs / n, mse: sq / n, rmse: Math.sqrt(sq / n), mape: pct / n, r2, meanError: err / n };
}
