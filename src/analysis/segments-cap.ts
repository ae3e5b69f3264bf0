import { metricsFromConfusion } from '../core/index.js';
import type { SegmentAggregate } from './segments.js';

/**
 * SEGMENT_LIMIT: a segments answer shows at most `limit` values (default 50, at most 500), the
 * ones with the most records in baseline and current data together; the rest are summed into
 * one OTHER_VALUE segment, so a tag with 50,000 values answers in kilobytes, not megabytes.
 */
export const SEGMENT_LIMIT = { default: 50, max: 500 } as const;

/** OTHER_VALUE names the segment holding every value past the limit. */
export const OTHER_VALUE = '(other)';

/**
 * capSegments keeps the `limit` largest segments in their given order and sums the rest into
 * OTHER_VALUE (last). Its confusion counts are summed; its other metrics are the labelled-record
 * weighted means of the values' (rmse as the root of the weighted mean square), exact for
 * accuracy, mae and rmse.
 */
export function capSegments(
  segments: readonly SegmentAggregate[],
  limit: number,
): { segments: SegmentAggregate[]; total: number; other: number } {
  if (segments.length <= limit) return { segments: [...segments], total: segments.length, other: 0 };
  const size = (s: SegmentAggregate) => s.baselineCount + s.currentCount;
  const ranked = segments
    .map((s, i) => ({ s, i }))
    .sort((a, b) => size(b.s) - size(a.s) || (a.s.value < b.s.value ? -1 : a.s.value > b.s.value ? 1 : 0));
  const keep = new Set(ranked.slice(0, limit).map((r) => r.i));
  const rest = segments.filter((_, i) => !keep.has(i));
  const other: SegmentAggregate = {
    value: OTHER_VALUE,
    baselineCount: 0,
    currentCount: 0,
    labeled: 0,
    confusion: rest.some((s) => s.confusion) ? { tp: 0, fp: 0, tn: 0, fn: 0 } : null,
    metrics: {},
  };
  const sums = new Map<string, number>();
  const weights = new Map<string, number>();
  for (const s of rest) {
    other.baselineCount += s.baselineCount;
    other.currentCount += s.currentCount;
    other.labeled += s.labeled;
    if (s.confusion && other.confusion)
      for (const k of ['tp', 'fp', 'tn', 'fn'] as const) other.confusion[k] += s.confusion[k];
    for (const [k, v] of Object.entries(s.metrics)) {
      if (v === null || !Number.isFinite(v) || s.labeled <= 0) continue;
      sums.set(k, (sums.get(k) ?? 0) + s.labeled * (k === 'rmse' ? v * v : v));
      weights.set(k, (weights.get(k) ?? 0) + s.labeled);
    }
  }
  const c = other.confusion;
  if (c && other.labeled > 0) {
    const m = metricsFromConfusion(c);
    other.metrics = { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
  } else
    for (const [k, total] of sums) {
      const mean = total / (weights.get(k) ?? 1);
      other.metrics[k] = k === 'rmse' ? Math.sqrt(mean) : mean;
    }
  return {
    segments: [...segments.filter((_, i) => keep.has(i)), other],
    total: segments.length,
    other: rest.length,
  };
}
