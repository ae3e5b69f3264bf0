/*
 * checkFeatureQuality runs every data-quality check (checks.ts) on one feature's window against
 * its reference; checkQualityBuckets does it for each time bucket, so a dashboard can show when
 * a problem started. The feature's status is the worst of its checks (fail > warning > ok).
 */

import type { QualityCheckName } from './check-names.js';
import {
  checkCardinality,
  checkConstant,
  checkMissing,
  checkNewCategories,
  checkOutOfRange,
  checkTypes,
  checkVanishedCategories,
  type QualityCheck,
  type QualityStatus,
  type QualityThresholds,
} from './checks.js';
import { assertQualityProfile, type QualityProfile } from './profile.js';

/** FeatureQuality is every check of one feature in one window. */
export interface FeatureQuality {
  readonly status: QualityStatus;
  readonly checks: { readonly [name in QualityCheckName]: QualityCheck };
}

const RANK: Record<QualityStatus, number> = { ok: 0, warning: 1, fail: 2 };

/**
 * worstStatus returns the most severe status (ok for none).
 *
 * @example
 * worstStatus(['ok', 'fail', 'warning']); // 'fail'
 */
export function worstStatus(statuses: Iterable<QualityStatus>): QualityStatus {
  let worst: QualityStatus = 'ok';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/**
 * checkFeatureQuality runs every check of one feature (reference null: the checks that need one
 * say n/a, and missing share is judged on its own).
 *
 * @example
 * checkFeatureQuality(profileOf(currentValues), profileOf(referenceValues)).status; // 'ok' | 'warning' | 'fail'
 */
export function checkFeatureQuality(
  current: QualityProfile,
  reference: QualityProfile | null,
  thresholds: QualityThresholds = {},
): FeatureQuality {
  assertQualityProfile(current, 'current');
  if (reference !== null) assertQualityProfile(reference, 'reference');
  const checks: FeatureQuality['checks'] = {
    missing: checkMissing(current, reference, thresholds),
    type_mismatch: checkTypes(current, reference),
    new_categories: checkNewCategories(current, reference, thresholds),
    vanished_categories: checkVanishedCategories(current, reference, thresholds),
    out_of_range: checkOutOfRange(current, reference, thresholds),
    constant: checkConstant(current, reference),
    cardinality: checkCardinality(current, reference, thresholds),
  };
  return { status: worstStatus(Object.values(checks).map((c) => c.status)), checks };
}

/** QualityBucket is one time bucket's profile; `start` is passed through (ms or RFC 3339). */
export interface QualityBucket<T = number | string> {
  readonly start: T;
  readonly profile: QualityProfile;
}

/**
 * checkQualityBuckets runs checkFeatureQuality on every time bucket against one reference.
 *
 * @example
 * checkQualityBuckets(hourlyProfiles, referenceProfile).map((b) => [b.start, b.status]);
 */
export function checkQualityBuckets<T>(
  buckets: ReadonlyArray<QualityBucket<T>>,
  reference: QualityProfile | null,
  thresholds: QualityThresholds = {},
): Array<FeatureQuality & { readonly start: T }> {
  return buckets.map((b) => ({ start: b.start, ...checkFeatureQuality(b.profile, reference, thresholds) }));
}
