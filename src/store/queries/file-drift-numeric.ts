import { int, joinSql, ident as name, num, type Sql, sql } from '../sql.js';

/**
 * The numeric part of the file drift queries (file-drift.ts): each numeric key's statistics,
 * computed from its value counts in one pass of array expressions.
 */

/** FileNumericRow is one numeric key's statistics from its value counts (r_… reference, c_… current). */
export interface FileNumericRow {
  f: number;
  n_distinct: number;
  d: number | null;
  w1: number | null;
  vs: number[];
  c0s: number[];
  c1s: number[];
  edges: number[];
  [side: string]: unknown;
}

/** DECILE_LEVELS are the reference quantiles that give the bin edges (drift-aggregates' deciles). */
const DECILE_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * rankValue is the value of 1-based rank r in the sorted sample whose distinct values are vs with
 * cumulative counts cum.
 */
const rankValue = (vs: Sql, cum: Sql, r: Sql) =>
  sql`${vs}[arrayFirstIndex((x, r) -> x >= r, ${cum}, replicate(${r}, ${cum}))]`;

/**
 * sideSql gives one side's n, moments, min, max, deciles and counts at or above each edge from
 * its value counts (vs ascending, cs the side's counts, possibly 0).
 *
 * Deciles follow ClickHouse's quantileExactInclusive (numpy 'linear'): h = level·(n − 1) + 1,
 * j = ⌊h⌋ (≥ 1), x(j) + (h − j)·(x(j+1) − x(j)), the max when j ≥ n: ranks are clamped to n,
 * which gives x(n) + (h − j)·0, the max, exactly. No if() around array work: ClickHouse's
 * short-circuit evaluation copies the arrays per branch (with if() this query took 3x the CPU).
 */
function sideSql(p: 'r' | 'c', cs: Sql, edges: Sql): Sql[] {
  const a_ = (x: string) => name(`${p}_${x}`);
  const n = a_('n');
  const cum = a_('cum');
  const vs = sql`vs`;
  const out = [
    sql`arraySum(${cs}) AS ${n}`,
    sql`arrayCumSum(${cs}) AS ${cum}`,
    sql`arraySum(arrayMap((x, c) -> x * c, vs, ${cs})) AS ${a_('m1')}`,
    // Squared deviations from the mean, not Σx²·c − (Σx·c)²/n: at 1e9 + N(0, 1) that gave σ 25, not 1.
    sql`arraySum(arrayMap((x, c, m) -> (x - m) * (x - m) * c, vs, ${cs}, replicate(${a_('m1')} / ${n}, vs))) AS ${a_('ss')}`,
    sql`arrayFirst((x, c) -> c > 0, vs, ${cs}) AS ${a_('min')}`,
    sql`arrayLast((x, c) -> c > 0, vs, ${cs}) AS ${a_('max')}`,
  ];
  const deciles = DECILE_LEVELS.map((level, i) => {
    const h = a_(`h${i}`);
    const j = a_(`j${i}`);
    const a = a_(`a${i}`);
    out.push(
      sql`${num(level)} * (${n} - 1) + 1 AS ${h}`,
      sql`toUInt64(${h}) AS ${j}`,
      sql`${rankValue(vs, cum, sql`least(${j}, ${n})`)} AS ${a}`,
    );
    return sql`${a} + (${h} - ${j}) * (${rankValue(vs, cum, sql`least(${j} + 1, ${n})`)} - ${a})`;
  });
  out.push(sql`[${joinSql(deciles, ', ')}] AS ${a_('deciles')}`);
  // At most as many edges as deciles: counts at or above each (past the last edge, unused).
  const atOrAbove = DECILE_LEVELS.map(
    (_, i) =>
      sql`arraySum(arrayMap((x, c, e) -> (x >= e) * c, vs, ${cs}, replicate(${edges}[${int(i + 1)}], vs)))`,
  );
  out.push(sql`[${joinSql(atOrAbove, ', ')}] AS ${a_('ge')}`);
  return out;
}

/** numericSql aggregates every numeric key of both files from the value counts. */
export function numericSql(counts: Sql, ids: readonly number[], maxExactDistinct: number): Sql {
  const limit = int(maxExactDistinct);
  const pick = (p: string) =>
    joinSql(
      ['n', 'm1', 'ss', 'min', 'max', 'deciles', 'ge'].map((x) => name(`${p}_${x}`)),
      ', ',
    );
  return sql`SELECT f, n_distinct, if(r_n > 0 AND c_n > 0, d, NULL) AS d, if(r_n > 0 AND c_n > 0, w1, NULL) AS w1,
      if(n_distinct <= ${limit}, vs, emptyArrayFloat64()) AS vs,
      if(n_distinct <= ${limit}, c0s, emptyArrayUInt64()) AS c0s,
      if(n_distinct <= ${limit}, c1s, emptyArrayUInt64()) AS c1s,
      edges, ${pick('r')}, ${pick('c')}
    FROM (
      SELECT f, length(vs) AS n_distinct,
             vs, c0s, c1s,
             arraySum(c0s) AS n0, arraySum(c1s) AS n1,
             arrayMap(x -> x / n0, arrayCumSum(c0s)) AS f0,
             arrayMap(x -> x / n1, arrayCumSum(c1s)) AS f1,
             arrayReduce('max', arrayMap((a, b) -> abs(a - b), f0, f1)) AS d,
             arraySum(arrayMap((a, b, dx) -> abs(a - b) * dx, f0, f1,
               arrayPushBack(arrayPopFront(arrayDifference(vs)), 0))) AS w1,
             ${joinSql(sideSql('r', sql`c0s`, sql`edges`), ', ')},
             arraySort(arrayDistinct(arrayFilter(x -> isFinite(x), r_deciles))) AS edges,
             ${joinSql(sideSql('c', sql`c1s`, sql`edges`), ', ')}
      -- Values are distinct per key (GROUPING SETS grouped them), so sorting by value alone is
      -- exact, and cheaper than sorting (v, c0, c1) tuples (0.3 s instead of 1 s at 20 × 75k).
      FROM (SELECT f, groupArray(assumeNotNull(v)) AS unsorted, arraySort(unsorted) AS vs,
                   arraySort((c, x) -> x, groupArray(c0), unsorted) AS c0s,
                   arraySort((c, x) -> x, groupArray(c1), unsorted) AS c1s
            FROM ${counts} WHERE f IN (${idList(ids)}) AND isFinite(v) GROUP BY f))`;
}

/** idList inlines ids as a list for IN (…); an empty list is `0` (no key has id 0). */
export const idList = (ids: readonly number[]): Sql => (ids.length ? joinSql(ids.map(int), ', ') : sql`0`);
