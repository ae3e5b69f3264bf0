// core/explain: why a metric moved — contribution analysis over segments and drift attribution.
export {
  attributeDrift,
  correlationRatio,
  type FeatureAttribution,
  type FeatureDrift,
  type ScoreBySegment,
  segmentDrift,
} from './attribution.js';
export {
  type ExplainKind,
  type DecomposeOptions,
  type Decomposition,
  decompose,
  type SegmentContribution,
  type SegmentSums,
  type WindowSums,
} from './decompose.js';
export {
  DEFAULT_ALPHA,
  type DimensionInput,
  type DimensionResult,
  type Explanation,
  type ExplainOptions,
  excess,
  explainChange,
  type RankedContribution,
  rankKey,
  strength,
} from './explain.js';
