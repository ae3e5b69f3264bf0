/*
 * Expected calibration error with equal-width bins on [0, 1] (reference vectors
 * conventions.ece; Naeini, Cooper & Hauskrecht 2015; Guo et al. 2017):
 *
 *   b = min(⌊conf · B⌋, B − 1),   ECE = Σ_b (n_b / N) · |acc_b − conf_b|  over non-empty bins
 *
 * acc_b = mean outcome and conf_b = mean confidence in bin b; ⌊conf·B⌋ is evaluated in float64,
 * so a value on an edge goes to the upper bin, except 1.0, which goes to the last bin.
 * - binary (reliability-diagram form): conf = predicted P(y = 1), outcome = y.
 * - top-label (multiclass): conf = max class probability, outcome = 1[argmax = y], argmax
 *   taking the first maximum as numpy does.
 * Probabilities outside [0, 1] are a RangeError; a NaN probability makes the ECE NaN. No epsilon.
 */

/** CalibrationBin summarises one non-empty bin. */
export interface CalibrationBin {
  readonly bin: number;
  readonly count: number;
  /** Mean outcome in the bin. */
  readonly accuracy: number;
  /** Mean confidence in the bin. */
  readonly confidence: number;
}

/** CalibrationResult is the ECE with the bins it came from (empty bins omitted). */
export interface CalibrationResult {
  readonly ece: number;
  readonly bins: readonly CalibrationBin[];
}

/** CalibrationOptions sets the number of equal-width bins. */
export interface CalibrationOptions {
  /** Default 10. */
  readonly bins?: number;
}

function eceOf(confidence: ArrayLike<number>, outcome: ArrayLike<number>, nBins: number): CalibrationResult {
  if (!(Number.isInteger(nBins) && nBins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${nBins}`);
  const n = confidence.length;
  if (n === 0) return { ece: Number.NaN, bins: [] };
  const count = new Float64Array(nBins);
  const confSum = new Float64Array(nBins);
  const outSum = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    if (Number.isNaN(c)) return { ece: Number.NaN, bins: [] };
    if (c < 0 || c > 1) throw new RangeError(`probability ${c} at row ${i} is outside [0, 1]`);
    const b = Math.min(Math.floor(c * nBins), nBins - 1);
    count[b]!++;
    confSum[b]! += c;
    outSum[b]! += outcome[i]!;
  }
  const bins: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    const nb = count[b]!;
    if (nb === 0) continue;
    const accuracy = outSum[b]! / nb;
    const conf = confSum[b]! / nb;
    bins.push({ bin: b, count: nb, accuracy, confidence: conf });
    ece += (nb / n) * Math.abs(accuracy - conf);
  }
  return { ece, bins };
}

/**
 * expectedCalibrationError returns the binary (reliability-diagram) ECE of P(y = 1).
 *
 * @example
 * expectedCalibrationError([0, 1, 1, 0, 1, 1], [0, 0.1, 0.5, 0.95, 1, 0.3]).ece; // 0.5083333333333333
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  pPositive: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationResult {
  if (yTrue.length !== pPositive.length) throw new RangeError('yTrue and pPositive differ in length');
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1) throw new RangeError(`binary labels must be 0 or 1 (row ${i})`);
  }
  return eceOf(pPositive, yTrue, options.bins ?? 10);
}

/**
 * topLabelCalibrationError returns the top-label ECE of multiclass probabilities, with yTrue
 * holding class indices into the probability columns.
 *
 * @example
 * topLabelCalibrationError([0, 1], [[0.9, 0.1], [0.6, 0.4]]).ece; // (0.1 + 0.6)/2 = 0.35
 */
export function topLabelCalibrationError(
  yTrue: ArrayLike<number>,
  probs: ReadonlyArray<ArrayLike<number>>,
  options: CalibrationOptions = {},
): CalibrationResult {
  if (yTrue.length !== probs.length) throw new RangeError('yTrue and probs differ in length');
  const confidence = new Float64Array(probs.length);
  const outcome = new Float64Array(probs.length);
  probs.forEach((row, i) => {
    let best = 0;
    let hasNaN = row.length === 0;
    // k < row.length bounds every read.
    for (let k = 0; k < row.length; k++) {
      if (Number.isNaN(row[k]!)) hasNaN = true;
      else if (row[k]! > row[best]!) best = k;
    }
    confidence[i] = hasNaN ? Number.NaN : row[best]!;
    outcome[i] = yTrue[i] === best ? 1 : 0;
  });
  return eceOf(confidence, outcome, options.bins ?? 10);
}
