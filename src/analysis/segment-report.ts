import { analyzeSegments } from '../core/fairness/index.js';
import { VigilError } from '../shared/index.js';
import type { SegmentBy, Store, RecordWindow as Window } from '../store/index.js';
import type { ModelContext } from './model-context.js';
import { aggregateSegments, NO_VALUE } from './segments.js';
import { capSegments, SEGMENT_LIMIT } from './segments-cap.js';
import {
  FEATURE_PREFIX,
  type FeatureSegmentation,
  featureSegmentation,
  SEGMENT_BUCKETS,
} from './segments-feature.js';
import { assertTagExists } from './segments-tags.js';

export interface SegmentRequest {
  project: string;
  model: string;
  /** by: a tag's name, or `feature:NAME` for a feature (numeric ones in quantile buckets of the baseline). */
  by: string;
  baseline: Window;
  current: Window;
  /** buckets: how many quantile buckets of the baseline cut a numeric feature. */
  buckets?: number | undefined;
  threshold?: number | undefined;
  minBaselineShare?: number | undefined;
  /** limit: at most this many values, the largest; the rest are summed into one segment. */
  limit?: number | undefined;
}

/**
 * segmentReport answers `GET /v1/models/{model}/segments`: per value of a tag or of a feature,
 * the shares in baseline and current data, the metrics with intervals, parity and flags
 * (core/fairness), at most `limit` values with the rest summed.
 */
export async function segmentReport(store: Store, ctx: ModelContext, q: SegmentRequest) {
  let feature: FeatureSegmentation | null = null;
  let by: SegmentBy = { tag: q.by };
  if (q.by.startsWith(FEATURE_PREFIX)) {
    const name = q.by.slice(FEATURE_PREFIX.length);
    if (name === '')
      throw new VigilError('invalid_request', 'by: feature: needs a feature name (by=feature:NAME)', {
        field: 'by',
      });
    feature = await featureSegmentation(store, {
      project: q.project,
      model: q.model,
      baseline: q.baseline,
      current: q.current,
      name,
      buckets: q.buckets ?? SEGMENT_BUCKETS.default,
    });
    by = feature.by;
  } else await assertTagExists(store, q.project, q.model, q.by);
  const segments = await aggregateSegments(store, {
    project: q.project,
    model: q.model,
    task: ctx.task,
    by,
    baseline: q.baseline,
    current: q.current,
    positiveLabel: ctx.positiveLabel,
    threshold: q.threshold,
  });
  // Numeric buckets low to high, records without the feature last.
  const rank = (v: string) => {
    const i = feature?.order.indexOf(v) ?? -1;
    return i >= 0 ? i : v === NO_VALUE ? Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER - 1;
  };
  if (feature?.type === 'numeric') segments.sort((a, b) => rank(a.value) - rank(b.value));
  const capped = capSegments(segments, q.limit ?? SEGMENT_LIMIT.default);
  const report = analyzeSegments(
    capped.segments.map((s) => ({
      value: s.value,
      baselineCount: s.baselineCount,
      currentCount: s.currentCount,
      ...(s.confusion ? { confusion: s.confusion } : {}),
      metrics: Object.fromEntries(
        Object.entries(s.metrics).filter((e): e is [string, number] => e[1] !== null),
      ),
    })),
    q.minBaselineShare === undefined ? {} : { minBaselineShare: q.minBaselineShare },
  );
  // Regression and ranking segments carry their own intervals (normal approximation).
  const ownIntervals = new Map(segments.map((s) => [s.value, s.intervals]));
  const withIntervals = report.segments.map((seg) => {
    const own = ownIntervals.get(seg.value);
    return own ? { ...seg, intervals: { ...seg.intervals, ...own } } : seg;
  });
  return {
    by: q.by,
    task: ctx.task,
    positive_label: ctx.positiveLabel ?? null,
    ...(feature
      ? {
          feature: {
            name: q.by.slice(FEATURE_PREFIX.length),
            type: feature.type,
            buckets: feature.type === 'numeric' ? feature.order : null,
            edges: feature.type === 'numeric' ? feature.edges : null,
          },
        }
      : {}),
    ...report,
    values: capped.total,
    other_values: capped.other,
    segments: withIntervals,
  };
}

/** SegmentAnswer is the body of `GET /v1/models/{model}/segments`. */
export type SegmentAnswer = Awaited<ReturnType<typeof segmentReport>>;
