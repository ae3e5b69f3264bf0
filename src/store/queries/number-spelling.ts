import { type Sql, sql, strList } from '../sql.js';

/**
 * Number spellings: how the tools that write data files spell numbers and missing values, and
 * the SQL that reads them. Every file reader (vigil report, ingest, detect) reads text cells
 * through these rules, so a column is numeric when every value that is not missing is a number
 * in one of these spellings, whatever tool wrote it:
 *
 * - numbers: `1.5`, `+1.5`, `.5`, `5.`, exponents in either case (`8.2e-05`, `1E+06`,
 *   `8.2E-5`, `1.00E+06`), surrounding blanks, quoted numbers (the CSV reader unquotes them);
 * - infinities: `inf`, `-inf`, `Inf`, `Infinity`, `-Infinity` (any case, optional `+`);
 * - missing: an empty cell and pandas.read_csv's default missing spellings (`NA`, `N/A`, `n/a`,
 *   `NaN`, `nan`, `-NaN`, `NULL`, `null`, `None`, `<NA>`, `#N/A`, `#NA`, `1.#IND`, `1.#QNAN`, …).
 *
 * NaN is missing (as pandas, R's NA and Spark's null are): it is a hole, not a value. ±inf is a
 * value but not one a distribution statistic can use: the drift report leaves it out of the
 * statistics (they are those of the finite values, as scipy's on the finite values) and counts
 * it per side under `infinite`; ingest stores it as missing (records hold finite numbers) and
 * says how many; detect skips it and says how many.
 */

/** MISSING_SPELLINGS are pandas.read_csv's default na_values, plus `None` and `NAN`. */
export const MISSING_SPELLINGS: readonly string[] = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'NAN',
  'n/a',
  'nan',
  'null',
  'None',
];

const missingList = strList(MISSING_SPELLINGS);

/** isMissingSql is true when a Nullable(String) expression is NULL or a missing spelling. */
export function isMissingSql(s: Sql): Sql {
  return sql`(isNull(${s}) OR has(${missingList}, trimBoth(assumeNotNull(${s}))))`;
}

/**
 * spelledNumberSql reads a Nullable(String) expression as Nullable(Float64): the number it
 * spells (±inf included), NULL when it is missing or not a number. `+ 0` turns −0 into 0 (GROUP
 * BY keeps them apart though they compare equal).
 */
export function spelledNumberSql(s: Sql): Sql {
  const t = sql`trimBoth(assumeNotNull(${s}))`;
  return sql`if(${isMissingSql(s)}, CAST(NULL AS Nullable(Float64)), toFloat64OrNull(if(startsWith(${t}, '+') AND NOT startsWith(${t}, '+-'), substring(${t}, 2), ${t})) + 0)`;
}

/** isNotNumberSql is true when a Nullable(String) expression is neither missing nor a number. */
export function isNotNumberSql(s: Sql): Sql {
  return sql`(NOT ${isMissingSql(s)} AND isNull(${spelledNumberSql(s)}))`;
}

/**
 * FILE_READ_SETTINGS go with every read of a data file: TSV lines may end in CRLF (files from
 * Windows tools); CSV handles CRLF and a UTF-8 BOM by itself.
 */
export const FILE_READ_SETTINGS = sql`input_format_tsv_crlf_end_of_line = 1`;
