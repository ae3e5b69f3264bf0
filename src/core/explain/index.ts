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
  type DecomposeOptions,
  type Decomposition,
  decompose,
  type ExplainKind,
  type SegmentContribution,
  type SegmentSums,
  type WindowSums,
} from './decompose.js';
export {
  DEFAULT_ALPHA,
  type DimensionInput,
  type DimensionResult,
  type ExplainOptions,
  type Explanation,
  excess,
  explainChange,
  type RankedContribution,
  rankKey,
  strength,
} from './explain.js';
