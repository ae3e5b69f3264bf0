/*
 * Ranking metrics.
 *
 * Score-matrix form, as scikit-learn 1.2 dcg_score / ndcg_score (one row per query):
 *   DCG@k = Σ_{r<k} gain_r / log2(r + 2) with LINEAR gain = relevance (not 2^rel − 1);
 *   with ignoreTies false (default) tied scores share the average gain of their group
 *   (McSherry & Najork 2008, "Computing information retrieval performance measures efficiently
 *   in the presence of tied scores"), so the result does not depend on the order of ties.
 *   NDCG = DCG / IDCG with IDCG the DCG of the ideal order; a query whose IDCG is 0 scores 0.
 *   Both average over queries. ignoreTies true breaks ties like numpy's argsort(…)[::-1] of a
 *   stable sort, i.e. later items first (implementation-dependent; prefer the default).
 *
 * List form, for records of shape {ranking: [ids…], relevance: {id: grade}} (API.md):
 *   ndcgAtK uses the list order with the same linear gain, and the ideal DCG of ALL judged
 *   items, so relevant items missing from the ranking lower the score;
 *   MAP@k = mean over queries of (1/min(k, R)) Σ_{r≤k} P@r · rel_r (R = relevant items, grade > 0);
 *   MRR = mean of 1/(rank of the first relevant item) within k (0 if none);
 *   recall@k = (relevant items in the top k)/R.
 *   Queries with no relevant item score 0 and are included in every mean, as ndcg_score does.
 * Empty input or a NaN relevance/score gives NaN. No epsilon.
 */

/** RankingOptions selects the cut-off k and the tie handling of the score-matrix form. */
export interface RankingOptions {
  /** Only the top k positions count; default all. */
  readonly k?: number;
  /** Default false: tied scores share their average gain. */
  readonly ignoreTies?: boolean;
}

function discounts(length: number, k: number): Float64Array {
  return Float64Array.from({ length }, (_, r) => (r < k ? 1 / Math.log2(r + 2) : 0));
}

function rowDcg(gains: ArrayLike<number>, scores: ArrayLike<number>, k: number, ignoreTies: boolean): number {
  const n = gains.length;
  if (scores.length !== n) throw new RangeError('relevance and score rows differ in length');
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i]!) || Number.isNaN(gains[i]!)) return Number.NaN;
  const disc = discounts(n, k);
  // Stable ascending sort then reversed: ties end up later-index-first, as numpy's argsort[::-1].
  // Compared with < rather than subtraction so that equal infinities tie instead of giving NaN.
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => (scores[a]! < scores[b]! ? -1 : scores[a]! > scores[b]! ? 1 : 0))
    .reverse();
  let dcg = 0;
  if (ignoreTies) {
    order.forEach((item, r) => {
      dcg += gains[item]! * disc[r]!;
    });
    return dcg;
  }
  for (let start = 0; start < n; ) {
    let end = start + 1;
    // Group equal scores; end < n bounds the read.
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    let gainSum = 0;
    let discSum = 0;
    for (let r = start; r < end; r++) {
      gainSum += gains[order[r]!]!;
      discSum += disc[r]!;
    }
    dcg += (gainSum / (end - start)) * discSum;
    start = end;
  }
  return dcg;
}

function assertRows(yTrue: ReadonlyArray<ArrayLike<number>>, yScore: ReadonlyArray<ArrayLike<number>>): void {
  if (yTrue.length !== yScore.length) throw new RangeError('yTrue and yScore have different numbers of rows');
}

/**
 * dcgScore returns the mean DCG@k over queries (sklearn dcg_score, log base 2).
 *
 * @example
 * dcgScore([[3, 2, 1, 0]], [[0.1, 0.2, 0.3, 0.4]]); // 0·1 + 1/log2(3) + 2/2 + 3/log2(5)
 */
export function dcgScore(
  yTrue: ReadonlyArray<ArrayLike<number>>,
  yScore: ReadonlyArray<ArrayLike<number>>,
  options: RankingOptions = {},
): number {
  assertRows(yTrue, yScore);
  if (yTrue.length === 0) return Number.NaN;
  const k = options.k ?? Number.POSITIVE_INFINITY;
  let total = 0;
  yTrue.forEach((g, i) => {
    total += rowDcg(g, yScore[i]!, k, options.ignoreTies ?? false);
  });
  return total / yTrue.length;
}

/**
 * ndcgScore returns the mean NDCG@k over queries (sklearn ndcg_score semantics).
 *
 * @example
 * ndcgScore([[0, 0, 0, 0], [3, 2, 1, 0]], [[0.1, 0.4, 0.3, 0.2], [0.1, 0.2, 0.3, 0.4]]); // 0.3069136566720542
 */
export function ndcgScore(
  yTrue: ReadonlyArray<ArrayLike<number>>,
  yScore: ReadonlyArray<ArrayLike<number>>,
  options: RankingOptions = {},
): number {
  assertRows(yTrue, yScore);
  if (yTrue.length === 0) return Number.NaN;
  const k = options.k ?? Number.POSITIVE_INFINITY;
  let total = 0;
  yTrue.forEach((g, i) => {
    const ideal = rowDcg(g, g, k, true);
    if (ideal !== 0) total += rowDcg(g, yScore[i]!, k, options.ignoreTies ?? false) / ideal;
  });
  return total / yTrue.length;
}

/** RankedQuery is one ranking with graded relevance judgements (ungraded items are 0). */
export interface RankedQuery {
  readonly ranking: readonly string[];
  readonly relevance: Readonly<Record<string, number>>;
}

const grade = (q: RankedQuery, item: string): number =>
  Object.hasOwn(q.relevance, item) ? (q.relevance[item] ?? 0) : 0;

function meanOver(queries: readonly RankedQuery[], f: (q: RankedQuery) => number): number {
  if (queries.length === 0) return Number.NaN;
  return queries.reduce((s, q) => s + f(q), 0) / queries.length;
}

function relevantCount(q: RankedQuery): number {
  return Object.values(q.relevance).filter((g) => g > 0).length;
}

/**
 * ndcgAtK returns the mean NDCG@k of ranked lists against graded judgements.
 *
 * @example
 * ndcgAtK([{ ranking: ['a', 'b'], relevance: { a: 0, b: 3 } }], 2); // (3/log2 3)/3 ≈ 0.631
 */
export function ndcgAtK(queries: readonly RankedQuery[], k: number): number {
  return meanOver(queries, (q) => {
    const ideal = Object.values(q.relevance)
      .filter((g) => g > 0)
      .sort((a, b) => b - a)
      .slice(0, k)
      .reduce((s, g, r) => s + g / Math.log2(r + 2), 0);
    if (ideal === 0) return 0;
    const dcg = q.ranking.slice(0, k).reduce((s, item, r) => s + grade(q, item) / Math.log2(r + 2), 0);
    return dcg / ideal;
  });
}

/**
 * mapAtK returns the mean average precision at k (binary relevance: grade > 0).
 *
 * @example
 * mapAtK([{ ranking: ['a', 'b', 'c'], relevance: { a: 1, c: 1 } }], 3); // (1 + 2/3)/2
 */
export function mapAtK(queries: readonly RankedQuery[], k: number): number {
  return meanOver(queries, (q) => {
    const relevant = relevantCount(q);
    if (relevant === 0) return 0;
    let hits = 0;
    let sum = 0;
    q.ranking.slice(0, k).forEach((item, r) => {
      if (grade(q, item) > 0) {
        hits++;
        sum += hits / (r + 1);
      }
    });
    return sum / Math.min(k, relevant);
  });
}

/**
 * meanReciprocalRank returns the mean of 1/(rank of the first relevant item), within k.
 *
 * @example
 * meanReciprocalRank([{ ranking: ['a', 'b'], relevance: { b: 1 } }]); // 0.5
 */
export function meanReciprocalRank(queries: readonly RankedQuery[], k = Number.POSITIVE_INFINITY): number {
  return meanOver(queries, (q) => {
    const r = q.ranking.slice(0, k).findIndex((item) => grade(q, item) > 0);
    return r < 0 ? 0 : 1 / (r + 1);
  });
}

/**
 * recallAtK returns the mean share of relevant items found in the top k.
 *
 * @example
 * recallAtK([{ ranking: ['a', 'b', 'c'], relevance: { a: 1, z: 1 } }], 2); // 0.5
 */
export function recallAtK(queries: readonly RankedQuery[], k: number): number {
  return meanOver(queries, (q) => {
    const relevant = relevantCount(q);
    if (relevant === 0) return 0;
    return q.ranking.slice(0, k).filter((item) => grade(q, item) > 0).length / relevant;
  });
}
