import { VigilError } from '../shared/errors.js';
import { num, type Store, str } from '../store/index.js';
import { NO_VALUE } from './segments.js';
import { type Window, windowWhere } from './windows.js';

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
  /** valueSql is a record's segment label, as SQL over the record's columns. */
  valueSql: string;
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
  const k = str(opts.name);
  const records = store.table('records');
  const counts = async (w: Window) => {
    const [r] = await store.query<{ n_num: number; n_cat: number }>(
      `SELECT countIf(has(num_keys, ${k})) AS n_num, countIf(has(cat_keys, ${k})) AS n_cat
       FROM ${records} FINAL WHERE ${windowWhere(opts.project, opts.model, w)}`,
    );
    return { num: Number(r?.n_num ?? 0), cat: Number(r?.n_cat ?? 0) };
  };
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
  const numValue = `num_values[indexOf(num_keys, ${k})]`;
  const catValue = `cat_values[indexOf(cat_keys, ${k})]`;
  if (c.cat > c.num)
    return {
      type: 'categorical',
      valueSql: `multiIf(has(cat_keys, ${k}), ${catValue}, has(num_keys, ${k}), toString(${numValue}), ${str(NO_VALUE)})`,
      order: [],
      edges: [],
    };
  const qs = Array.from({ length: opts.buckets - 1 }, (_, i) => String((i + 1) / opts.buckets)).join(', ');
  const [q] = await store.query<{ e: number[] }>(
    `SELECT quantilesExact(${qs})(v) AS e FROM (SELECT ${numValue} AS v FROM ${records} FINAL
     WHERE ${windowWhere(opts.project, opts.model, source)} AND has(num_keys, ${k}))`,
  );
  const edges = [...new Set((q?.e ?? []).map(Number))].filter(Number.isFinite).sort((a, b) => a - b);
  const labels = bucketLabels(edges);
  const cases = edges.map((e, i) => `${numValue} < ${num(e)}, ${str(labels[i] as string)}`);
  const last = str(labels[labels.length - 1] as string);
  return {
    type: 'numeric',
    valueSql: `multiIf(NOT has(num_keys, ${k}), ${str(NO_VALUE)}, ${[...cases, last].join(', ')})`,
    order: labels,
    edges,
  };
}
