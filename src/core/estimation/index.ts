// Public surface of core/estimation: label-free performance estimation (CBPE for classifiers,
// reweighted reference errors for regression) from mergeable aggregates.
export { band, DEFAULT_LEVEL, type EstimatedMetric, zForLevel } from './band.js';
export { type BinaryEstimate, type BinaryEstimateOptions, estimateBinary } from './binary.js';
export {
  blockVariance,
  type CalibrationMethod,
  type Calibrator,
  type CalibratorOptions,
  calibrate,
  fitCalibrator,
} from './calibrator.js';
export {
  type ClassEstimate,
  type ClassScoreCounts,
  type ClassScoreFrequencies,
  estimateMulticlass,
  fitMulticlassCalibrator,
  type MulticlassCalibrator,
  type MulticlassEstimate,
  multiclassCountsOf,
  multiclassFrequenciesOf,
} from './multiclass.js';
export {
  type CellCount,
  type CellKey,
  cellCountsOf,
  estimateRegression,
  type RegressionCellStats,
  type RegressionEstimate,
  type RegressionEstimateOptions,
  regressionCellsOf,
} from './regression.js';
export { type BinningOptions, type ScoreFrequency, scoreCountsOf, scoreFrequenciesOf } from './rows.js';
