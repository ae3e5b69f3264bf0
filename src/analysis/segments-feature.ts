import { VigilError } from '../shared/index.js';
import {
  featureKindCounts,
  featureQuantiles,
  type SegmentBy,
  type Store,
  type RecordWindow as Window,
} from '../store/index.js';

/*
 * Segments by a feature (`GET /segments?by=feature:NAME`): a categorical feature segments by
 * value; a numeric one by quantile buckets of the baseline — the baseline's i/B quantiles
 * (quantilesExact: actual values, the same on both engines) as edges, duplicates dropped, so each
 * bucket holds about 1/B of the baseline. Labels are half-open intervals, the outer two open-ended
 * so current values beyond the baseline's range land in a bucket of their own name:
 * `(-inf, 10)`, `[10, 25)`, `[25, inf)`. Records without the feature are NO_VALUE.
 */

export const FEATURE_PREFIX = 'feature:';
export const SEGMENT_BUCKETS = { default: 5, min: 2, max: 20 } as const;

export interface FeatureSegmentation {
  type: 'numeric' | 'categorical';
  /** by is how a record's segment label is read (store/queries/segments.ts turns it into SQL). */
  by: SegmentBy;
  /** order lists the numeric buckets' labels low to high (empty for a categorical feature). */
  order: string[];
  edges: number[];
}

/** bucketLabels names the buckets cut at `edges` (sorted, unique). */
export function bucketLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ['(-inf, inf)'];
  return [
    `(-inf, ${edges[0]})`,
    ...edges.slice(1).map((e, i) => `[${edges[i]}, ${e})`),
    `[${edges[edges.length - 1]}, inf)`,
  ];
}

/**
 * featureSegmentation reads how feature `name` segments records: its type (the kind most of its
 * values have, baseline first) and, for a numeric feature, the baseline's quantile edges.
 */
export async function featureSegmentation(
  store: Store,
  opts: { project: string; model: string; baseline: Window; current: Window; name: string; buckets: number },
): Promise<FeatureSegmentation> {
  const counts = (window: Window) => featureKindCounts(store, { ...opts, window });
  let source = opts.baseline;
  let c = await counts(source);
  if (c.num + c.cat === 0) {
    // Absent from the baseline: the current window's values decide the type and the buckets.
    source = opts.current;
    c = await counts(source);
  }
  if (c.num + c.cat === 0)
    throw new VigilError(
      'invalid_request',
      `by: feature ${JSON.stringify(opts.name)} has no values in the baseline or the current window`,
      { field: 'by' },
    );
  if (c.cat > c.num)
    return { type: 'categorical', by: { feature: opts.name, type: 'categorical' }, order: [], edges: [] };
  const quantiles = await featureQuantiles(store, { ...opts, window: source });
  const edges = [...new Set(quantiles)].filter(Number.isFinite).sort((a, b) => a - b);
  const labels = bucketLabels(edges);
  return {
    type: 'numeric',
    by: { feature: opts.name, type: 'numeric', edges, labels },
    order: labels,
    edges,
  };
}
