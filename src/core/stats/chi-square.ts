/*
 * Pearson chi-square test of homogeneity on an r × c contingency table, as
 * scipy.stats.chi2_contingency (scipy 1.10, lambda_ = Pearson):
 *
 *   E_ij = R_i · C_j / N,   χ² = Σ (O_ij − E_ij)² / E_ij,   dof = (r − 1)(c − 1),
 *   p = P(χ²_dof ≥ χ²) = Q(dof/2, χ²/2) (regularised upper incomplete gamma, stdlib gammainc)
 *
 * Yates' continuity correction (correction: true, the default as in scipy) applies only when
 * dof = 1: each O_ij moves toward E_ij by min(0.5, |E_ij − O_ij|). dof = 0 gives χ² = 0, p = 1.
 * Pearson (1900); Yates (1934), Suppl. J. R. Stat. Soc. 1(2).
 *
 * A zero expected frequency (an all-zero row or column) makes the test undefined; scipy raises
 * "The internally computed table of expected frequencies has a zero element at (i, j).", here
 * it is the `zero_expected_frequency` result with the same message. chiSquareFromCounts, the
 * drift entry point over shared bins, first drops categories absent from both samples, which
 * carry no information, as the reference vectors recommend.
 *
 * Epsilon: none.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import { statUndefined, type TestResult } from './result.js';
import { assertCounts, assertSameLength } from './sample.js';

/** ChiSquareOptions configures the continuity correction. */
export interface ChiSquareOptions {
  /** Yates' correction when dof = 1. Default true (scipy's default). */
  readonly correction?: boolean;
}

/** ChiSquareFields are the values of a defined chi-square test. */
export interface ChiSquareFields {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
  /** Expected frequencies under homogeneity, row by row. */
  readonly expected: ReadonlyArray<Float64Array>;
}

/** ChiSquareResult is a chi-square result or why it is undefined. */
export type ChiSquareResult = TestResult<ChiSquareFields>;

/**
 * chiSquareSf returns P(χ²_dof ≥ x) (scipy.stats.chi2.sf).
 *
 * @example
 * chiSquareSf(4.8, 1); // 0.028459736916310638
 */
export function chiSquareSf(x: number, dof: number): number {
  if (Number.isNaN(x) || !(dof > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, dof / 2, true, true);
}

/**
 * chiSquareContingency tests homogeneity of the rows of a contingency table of counts.
 *
 * @example
 * const r = chiSquareContingency([[45, 55], [30, 70]]);
 * // r.ok && r.statistic === 4.181333333333333 (Yates), r.dof === 1
 */
export function chiSquareContingency(
  table: ReadonlyArray<ArrayLike<number>>,
  options: ChiSquareOptions = {},
): ChiSquareResult {
  const rows = table.length;
  const cols = rows > 0 ? table[0]!.length : 0;
  table.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} columns, expected ${cols}`);
    assertCounts(row, `table[${i}]`);
  });
  if (rows === 0 || cols === 0) return statUndefined('empty_sample', 'No data; `observed` has size 0.');
  const rowSums = table.map((row) => Array.from(row).reduce((s, x) => s + x, 0));
  const colSums = Array.from({ length: cols }, (_, j) => table.reduce((s, row) => s + row[j]!, 0));
  const total = rowSums.reduce((s, x) => s + x, 0);
  const expected = rowSums.map((r) => Float64Array.from(colSums, (c) => (r * c) / total));
  for (let i = 0; i < rows; i++) {
    const j = expected[i]!.findIndex((e) => !(e > 0));
    if (j >= 0) {
      return statUndefined(
        'zero_expected_frequency',
        `The internally computed table of expected frequencies has a zero element at (${i}, ${j}).`,
      );
    }
  }
  const dof = (rows - 1) * (cols - 1);
  if (dof === 0) return { ok: true, statistic: 0, pValue: 1, dof, expected };
  const yates = dof === 1 && (options.correction ?? true);
  let statistic = 0;
  // i < rows and j < cols bound every index of table and expected.
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = expected[i]![j]!;
      let o = table[i]![j]!;
      if (yates) o += Math.sign(e - o) * Math.min(0.5, Math.abs(e - o));
      statistic += (o - e) ** 2 / e;
    }
  }
  return { ok: true, statistic, pValue: chiSquareSf(statistic, dof), dof, expected };
}

/**
 * dropEmptyBins removes the bins that are zero in both count vectors.
 *
 * @example
 * dropEmptyBins([1, 0, 2], [3, 0, 0]); // { reference: [1, 2], current: [3, 0] }
 */
export function dropEmptyBins(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): { reference: Float64Array; current: Float64Array } {
  assertSameLength(reference, current, 'reference', 'current');
  const keep: number[] = [];
  for (let i = 0; i < reference.length; i++) if (reference[i]! > 0 || current[i]! > 0) keep.push(i);
  return {
    reference: Float64Array.from(keep, (i) => reference[i]!),
    current: Float64Array.from(keep, (i) => current[i]!),
  };
}

/**
 * chiSquareFromCounts tests whether reference and current counts over shared categories come
 * from the same distribution (the 2 × K table, all-zero categories dropped).
 *
 * @example
 * chiSquareFromCounts([81, 77, 59, 47, 36], [48, 51, 60, 42, 49]); // statistic 11.5507, dof 4
 */
export function chiSquareFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: ChiSquareOptions = {},
): ChiSquareResult {
  const { reference, current } = dropEmptyBins(referenceCounts, currentCounts);
  return chiSquareContingency([reference, current], options);
}
