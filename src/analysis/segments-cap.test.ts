import { describe, expect, it } from 'vitest';
import type { SegmentAggregate } from './segments.js';
import { capSegments, OTHER_VALUE } from './segments-cap.js';

const seg = (value: string, n: number, extra: Partial<SegmentAggregate> = {}): SegmentAggregate => ({
  value,
  baselineCount: n,
  currentCount: n,
  labeled: 0,
  confusion: null,
  metrics: {},
  ...extra,
});

describe('capSegments', () => {
  it('keeps the largest values in their order and sums the rest into (other)', () => {
    const out = capSegments([seg('a', 1), seg('b', 9), seg('c', 5), seg('d', 2)], 2);
    expect(out.segments.map((s) => s.value)).toEqual(['b', 'c', OTHER_VALUE]);
    expect(out.segments[2]).toMatchObject({ baselineCount: 3, currentCount: 3 });
    expect(out).toMatchObject({ total: 4, other: 2 });
    expect(capSegments([seg('a', 1)], 2)).toMatchObject({ total: 1, other: 0 });
  });

  it('sums confusion counts and recomputes their metrics; weights mae and rmse by labelled records', () => {
    const binary = capSegments(
      [
        seg('big', 100, { labeled: 10, confusion: { tp: 5, fp: 0, tn: 5, fn: 0 } }),
        seg('x', 1, { labeled: 4, confusion: { tp: 1, fp: 1, tn: 1, fn: 1 } }),
        seg('y', 1, { labeled: 4, confusion: { tp: 3, fp: 0, tn: 1, fn: 0 } }),
      ],
      1,
    );
    expect(binary.segments[1]?.confusion).toEqual({ tp: 4, fp: 1, tn: 2, fn: 1 });
    expect(binary.segments[1]?.metrics['accuracy']).toBeCloseTo(6 / 8, 12);
    expect(binary.segments[1]?.metrics['recall']).toBeCloseTo(4 / 5, 12);
    const regression = capSegments(
      [
        seg('big', 100, { labeled: 10, metrics: { mae: 1, rmse: 1 } }),
        seg('x', 1, { labeled: 1, metrics: { mae: 1, rmse: 1 } }),
        seg('y', 1, { labeled: 3, metrics: { mae: 3, rmse: 3 } }),
      ],
      1,
    );
    expect(regression.segments[1]?.metrics['mae']).toBeCloseTo((1 + 9) / 4, 12);
    expect(regression.segments[1]?.metrics['rmse']).toBeCloseTo(Math.sqrt((1 + 27) / 4), 12);
  });
});
