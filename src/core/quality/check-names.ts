/**
 * QUALITY_CHECK_NAMES are the data-quality checks, in the order answers list them
 * (docs/quality.md). Every list of checks (core's verdicts, analysis, the route's schema) is
 * this one.
 */
export const QUALITY_CHECK_NAMES = [
  'missing',
  'type_mismatch',
  'new_categories',
  'vanished_categories',
  'out_of_range',
  'constant',
  'cardinality',
] as const;

export type QualityCheckName = (typeof QUALITY_CHECK_NAMES)[number];
