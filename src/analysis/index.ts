// Public surface of analysis: store aggregates → core verdicts, per model (drift, drift over
// time, quality, performance, segments) and the model's context (task, positive label).
// (file-import.ts and file-drift-aggregates.ts, the offline report's file path, are imported
// directly for now.)
export type { RecordWindow as Window } from '../store/index.js';
export {
  COMPARE_BUCKETS,
  COMPARE_MAX_CATEGORIES,
  COMPARE_MAX_COLUMNS,
  type ComparedSide,
  type CompareVersionsOptions,
  compareVersions,
  MAX_COMPARE_RECORDS,
  PAIRED_SHARE,
  type VersionComparison,
  type VersionSide,
} from './compare.js';
export {
  ADAPTIVE_CHUNKS,
  type AdaptiveFeature,
  type Distribution,
  type DriftReport,
  distributionOf,
  driftReportOf,
  type ModeFeatureDrift,
  measureDrift,
  summariesOf,
  type ThresholdMode,
} from './drift.js';
export {
  type CategoricalAggregate,
  DISCRETE_CANDIDATE_VALUES,
  type DriftAggregates,
  MAX_CATEGORIES,
  MAX_EXACT_DISTINCT,
  MAX_MODEL_FEATURES,
  type NumericAggregate,
  type SideStats,
} from './drift-aggregates.js';
export {
  BINNED_METHODS,
  type BinnedMethod,
  BUCKET_MS,
  type BucketFeatureDrift,
  type DriftBucket,
  type DriftGranularity,
  type DriftOverTime,
  type DriftOverTimeOptions,
  isBinnedMethod,
  MAX_DRIFT_BUCKETS,
  measureDriftOverTime,
  type Severity,
  severityOf,
  TooManyBuckets,
} from './drift-over-time.js';
export {
  checkExplainMetric,
  EXPLAIN_LIMITS,
  EXPLAIN_METRICS,
  type ExplainContributor,
  type ExplainDimension,
  type ExplainFeatureAttribution,
  type ExplainMetric,
  type ExplainOptions,
  type ExplainReport,
  type ExplainSegment,
  explainMetric,
} from './explain.js';
export { aggregateFileDrift, type DriftFile, type InfiniteCount } from './file-drift-aggregates.js';
export {
  declaredSeason,
  type ForecastPerformance,
  type ForecastPerformanceOptions,
  type HorizonPerformance,
  measureForecastPerformance,
  SCALE_HISTORY_MS,
} from './forecast-performance.js';
export { type ModelContext, modelContext } from './model-context.js';
export { assertModelExists } from './model-exists.js';
export {
  DRIFT_PENDING,
  inferTask,
  listModels,
  type ModelConfig,
  type ModelStatus,
  type ModelSummary,
  modelStatus,
  type OpenAlert,
  TASKS,
  type Task,
} from './models.js';
export {
  GRANULARITY_MS,
  type Granularity,
  K,
  measurePerformance,
  type PerformanceBucket,
  type PerformanceOptions,
  resolvePositiveLabel,
} from './performance.js';
export {
  type ApiStatus,
  apiStatus,
  type CheckName,
  type FeatureQualityResult,
  measureQuality,
  QUALITY_MAX_CATEGORIES,
  QUALITY_MAX_VALUE_COUNTS,
  type QualityBucketResult,
  type QualityCheckResult,
  type QualityGranularity,
  type QualityOptions,
  type QualityReport,
} from './quality.js';
export {
  DEFAULT_SETTLE_MS,
  type RefresherOptions,
  ROLLUPS,
  type Rollup,
  type RollupKey,
  RollupRefresher,
} from './rollups/index.js';
export type { Interval, MetricsWithIntervals } from './segment-intervals.js';
export { type SegmentAnswer, type SegmentRequest, segmentReport } from './segment-report.js';
export { aggregateSegments, NO_VALUE, type SegmentAggregate } from './segments.js';
export { capSegments, OTHER_VALUE, SEGMENT_LIMIT } from './segments-cap.js';
export {
  bucketLabels,
  FEATURE_PREFIX,
  type FeatureSegmentation,
  featureSegmentation,
  SEGMENT_BUCKETS,
} from './segments-feature.js';
export { assertTagExists, TAGS_LISTED } from './segments-tags.js';
