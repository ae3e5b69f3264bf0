// Public surface of core/quality: data-quality checks of features from aggregates.
export { QUALITY_CHECK_NAMES, type QualityCheckName } from './check-names.js';
export {
  checkCardinality,
  checkConstant,
  checkMissing,
  checkNewCategories,
  checkOutOfRange,
  checkTypes,
  checkVanishedCategories,
  QUALITY_THRESHOLDS,
  type QualityCheck,
  type QualityStatus,
  type QualityThresholds,
  upperTail,
} from './checks.js';
export {
  assertQualityProfile,
  type CountsLike,
  categoryMap,
  distinctCount,
  dominantType,
  missingCount,
  profileOf,
  type QualityProfile,
} from './profile.js';
export {
  checkFeatureQuality,
  checkQualityBuckets,
  type FeatureQuality,
  type QualityBucket,
  worstStatus,
} from './quality.js';
