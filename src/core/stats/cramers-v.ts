/*
 * Cramér's V, the strength of association in an r × c contingency table:
 *
 *   V = √( χ² / (N · (min(r, c) − 1)) )
 *
 * with χ² the Pearson statistic WITHOUT continuity correction, as
 * scipy.stats.contingency.association(method='cramer'). Cramér (1946), "Mathematical Methods of
 * Statistics", §21.9. For drift on a categorical feature the table is reference vs current
 * counts, so V ∈ [0, 1] measures how much the category mix depends on the window.
 *
 * Undefined (NaN) when a row or column is all zero (zero expected frequency) or the table has a
 * single row or column. No bias correction (Bergsma 2013) and no epsilon.
 */
import { chiSquareContingency, dropEmptyBins } from './chi-square.js';

/**
 * cramersV returns Cramér's V of a contingency table of counts (NaN when undefined).
 *
 * @example
 * cramersV([[45, 55], [30, 70]]); // √(4.8/200) ≈ 0.1549
 */
export function cramersV(table: ReadonlyArray<ArrayLike<number>>): number {
  const r = chiSquareContingency(table, { correction: false });
  if (!r.ok) return Number.NaN;
  const rows = table.length;
  const cols = table[0]?.length ?? 0;
  let n = 0;
  for (const row of table) for (let j = 0; j < row.length; j++) n += row[j]!;
  const k = Math.min(rows, cols) - 1;
  return k > 0 ? Math.sqrt(r.statistic / (n * k)) : Number.NaN;
}

/**
 * cramersVFromCounts returns Cramér's V of the reference vs current table over shared
 * categories, after dropping categories absent from both.
 *
 * @example
 * cramersVFromCounts([45, 55], [30, 70]); // ≈ 0.1549
 */
export function cramersVFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): number {
  const { reference, current } = dropEmptyBins(referenceCounts, currentCounts);
  return cramersV([reference, current]);
}
