// Public surface of core/drift: the drift decision layer over core/stats. Everything else in
// this folder (test-support/ included) is internal.
export {
  type AdaptiveThreshold,
  type AdaptiveThresholdOptions,
  adaptiveStatistic,
  adaptiveThreshold,
  chunkStatistics,
  learnAdaptiveThreshold,
} from './adaptive-threshold.js';
export {
  DATASET_DRIFT_SHARE,
  type DatasetDriftOptions,
  type DatasetDriftVerdict,
  datasetDrift,
} from './dataset-drift.js';
export {
  type CategoricalDriftStats,
  type DriftEvaluation,
  type DriftOptions,
  evaluateDrift,
  evaluateFeatureDrift,
  type FeatureDrift,
  type FeatureOverride,
  type NumericDriftStats,
  type TestStat,
} from './evaluate.js';
export {
  assertFeatureSummary,
  type CategoricalFeatureSummary,
  type CategoricalSide,
  type CountsLike,
  countsMap,
  type FeatureSummary,
  type FeatureType,
  type NumericFeatureSummary,
  type NumericSide,
  type SharedBins,
  sideCount,
} from './feature-summary.js';
export {
  ANDERSON_MAX_OBSERVATIONS,
  type BinnedDistances,
  DISCRETE_MAX_VALUES,
  type DiscreteView,
  discreteValues,
  type Measure,
  type MeasureOptions,
  type Measures,
  measuresOf,
  type WassersteinMeasure,
} from './measures.js';
export {
  type DriftMethod,
  type DriftMethodName,
  driftMethods,
  isDriftMethodName,
  type MethodResult,
  P_VALUE_THRESHOLD,
} from './methods.js';
export {
  effectiveSampleSize,
  type FeatureMethodChoice,
  type GlobalMethodChoice,
  jsFalseAlarmOdds,
  type MethodChoice,
  type MethodSelection,
  SELECTION_RULE,
  selectDefaultMethod,
  selectMethod,
} from './select-method.js';
export {
  binCountsFromValueCounts,
  categoricalSummaryFromSamples,
  DEFAULT_BINS,
  numericSideFromValueCounts,
  numericSummaryFromSamples,
  numericSummaryFromValueCounts,
  quantileEdgesFromValueCounts,
  quantileSketchFromValueCounts,
  type SummaryOptions,
} from './summarize.js';
