/*
 * Sample quantiles and reference-quantile bin edges.
 *
 * quantileSorted is numpy.quantile's default 'linear' method (Hyndman & Fan type 7):
 *   h = (n − 1)·q, Q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]),
 * with numpy's two-sided lerp (for weight t ≥ 0.5 it computes b − (b − a)(1 − t)), so edges
 * agree with numpy to the last bit. One deliberate difference: when both neighbours are equal
 * the value is returned as is, so an infinite value yields an infinite edge, not NaN.
 *
 * quantileEdges follows the PSI convention of the reference vectors (conventions.psi):
 * edges = quantile(ref, [0, 1/B, …, 1]), duplicates removed (numpy.unique), and only the inner
 * edges kept: the first and last bins are open-ended so out-of-range current values count.
 * The levels are i·(1/B), as numpy.linspace produces them (i/B differs in the last bit for
 * some i, which moved two of the reference vectors' edges by one ulp).
 *
 * Reference: Hyndman & Fan (1996), "Sample quantiles in statistical packages", Am. Stat.
 * 50(4); numpy.quantile(method='linear'). Epsilon: none.
 */
import { sortedWithoutNaN } from './sample.js';

function lerp(a: number, b: number, t: number): number {
  if (a === b) return a;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * quantileSorted returns the q-quantile (0 ≤ q ≤ 1) of an ascending sample, NaN when empty.
 *
 * @example
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  const lo = Math.floor(virtual);
  // 0 ≤ lo < n − 1 here, so lo + 1 is a valid index.
  return lerp(sorted[lo]!, sorted[lo + 1]!, virtual - lo);
}

/**
 * quantileEdges returns the inner bin edges of `bins` reference-quantile bins (NaN ignored),
 * strictly ascending; ties in the reference merge bins, so there may be fewer than bins − 1.
 *
 * @example
 * quantileEdges([0, 0, 1, 1, 2, 2, 3, 3], 4); // Float64Array [1, 2]
 */
export function quantileEdges(reference: ArrayLike<number>, bins = 10): Float64Array {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const sorted = sortedWithoutNaN(reference);
  if (sorted.length === 0) return new Float64Array(0);
  const unique: number[] = [];
  for (let i = 0; i <= bins; i++) {
    // Levels as numpy.linspace(0, 1, bins + 1) makes them: i·(1/bins), the last exactly 1.
    const edge = quantileSorted(sorted, i === bins ? 1 : i * (1 / bins));
    if (unique.length === 0 || edge !== unique[unique.length - 1]) unique.push(edge);
  }
  return Float64Array.from(unique.slice(1, -1));
}
