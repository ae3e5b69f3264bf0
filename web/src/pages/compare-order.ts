import type { SegmentComparison } from '../../../src/server/api-types.js';

/** harm orders segments: significantly worse first, then by how much the candidate lost. */
export function byHarm(segments: readonly SegmentComparison[], higherIsBetter: boolean): SegmentComparison[] {
  const loss = (s: SegmentComparison) =>
    s.difference === null ? Number.NEGATIVE_INFINITY : higherIsBetter ? -s.difference : s.difference;
  return [...segments].sort(
    (a, b) => Number(b.verdict === 'worse') - Number(a.verdict === 'worse') || loss(b) - loss(a),
  );
}
