import { DISCRETE_MAX_VALUES } from '../core/index.js';

/*
 * Drift aggregates are computed inside ClickHouse by store/queries/drift-aggregates.ts; this
 * module names what analysis (and the file path, file-drift-aggregates.ts) shares of them.
 */
export {
  aggregateDriftParts,
  type CategoricalAggregate,
  type DriftAggregates,
  type DriftRowSet,
  MAX_CATEGORIES,
  MAX_EXACT_DISTINCT,
  MAX_MODEL_FEATURES,
  type NumericAggregate,
  referenceEdges,
  type SideStats,
  tooManyFeatures,
} from '../store/index.js';

/** A numeric feature with at most this many distinct values is compared per value (core's rule). */
export const DISCRETE_CANDIDATE_VALUES = DISCRETE_MAX_VALUES;
