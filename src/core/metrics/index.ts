// Public surface of core/metrics: model performance metrics by task.
export {
  type BinaryClassificationMetrics,
  type BinaryConfusion,
  binaryClassificationMetrics,
  binaryConfusion,
  binaryLogLoss,
  brierScore,
  confusionAtThreshold,
  type LogLossOptions,
  metricsFromConfusion,
  type ZeroDivisionOptions,
} from './binary.js';
export {
  type CalibrationBin,
  type CalibrationOptions,
  type CalibrationResult,
  expectedCalibrationError,
  topLabelCalibrationError,
} from './calibration.js';
export {
  addForecastSums,
  emptyForecastSums,
  FORECAST_METRICS,
  type ForecastMetrics,
  type ForecastPoint,
  type ForecastSums,
  forecastBias,
  forecastMae,
  forecastMape,
  forecastMase,
  forecastMetricsFromSums,
  forecastRmse,
  forecastSmape,
  forecastSums,
  intervalMetrics,
  intervalPinballTerm,
  meanPinballLoss,
  pinballTerm,
  type SeasonLag,
  seasonalNaiveScale,
  seasonalNaiveScaleAt,
  seasonLagOf,
} from './forecast.js';
export {
  compareLabels,
  type Label,
  type MulticlassMetrics,
  type MulticlassOptions,
  multiclassLogLoss,
  multiclassMetrics,
  type PrecisionRecallF1,
} from './multiclass.js';
export {
  dcgScore,
  mapAtK,
  meanReciprocalRank,
  ndcgAtK,
  ndcgScore,
  type RankedQuery,
  type RankingOptions,
  recallAtK,
} from './ranking.js';
export { type RegressionMetrics, type RegressionOptions, regressionMetrics } from './regression.js';
export { averagePrecision, rocAuc, rocAucOvo, rocAucOvr } from './roc.js';
export { averagePrecisionFromScoreCounts, rocAucFromScoreCounts, type ScoreCount } from './score-counts.js';
