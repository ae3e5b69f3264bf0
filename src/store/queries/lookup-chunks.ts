import { VigilError } from '../../shared/index.js';
import { joinSql, num, type Sql, sql, str } from '../sql.js';

/**
 * LOOKUP_CHUNK: features whose keys or bin edges ride in one query as literals. Wider models
 * (thousands of features) are looked up in several queries of this many, so no query passes
 * ClickHouse's max_query_size (256 KiB) or max_ast_elements (issue 14, finding 9): 150 features
 * of 256-character names and 10 edges each is under 100 KB.
 */
export const LOOKUP_CHUNK = 150;

/** MAX_MODEL_FEATURES: distinct features (per part) one drift or quality answer compares. */
export const MAX_MODEL_FEATURES = 20_000;

/** tooManyFeatures is the 400 for a model past MAX_MODEL_FEATURES, naming the cap. */
export function tooManyFeatures(n: number): VigilError {
  return new VigilError(
    'too_many_features',
    `features: the selected records carry ${n} distinct features; at most ${MAX_MODEL_FEATURES} are compared at once. Narrow the window or version, or send fewer distinct feature names`,
    { status: 400, field: 'features' },
  );
}

/** chunked splits a list into runs of at most `size`. */
export function chunked<T>(list: readonly T[], size = LOOKUP_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** perChunk runs one query per chunk, one at a time, and joins their rows. */
export async function perChunk<T, R>(list: readonly T[], run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of chunked(list)) out.push(...(await run(chunk)));
  return out;
}

/** BinnedFeature is a feature of a part with its bin edges (inner edges, sorted). */
export interface BinnedFeature {
  part: number;
  name: string;
  edges: readonly number[];
}

/**
 * edgeLookup is the SQL that gives each row its feature's bin edges (−inf first) by the
 * (part, name) of the row, from one constant array of arrays; index 0 when the feature has
 * none. Edges ride in as literals, and the lambda that counts them takes v as an argument
 * (replicate) because ClickHouse 18.16 lambdas cannot see other columns; a multiIf over
 * features measured 2x slower at 20 features.
 */
export function edgeLookup(features: readonly BinnedFeature[]): { index: Sql; edges: Sql; bin: Sql } {
  const keys = joinSql(
    features.map((f) => str(`${f.part}:${f.name}`)),
    ', ',
  );
  const indices = joinSql(
    features.map((_, i) => num(i + 1)),
    ', ',
  );
  const edgeArrays = joinSql(
    features.map(
      (f) =>
        sql`[${joinSql(
          [Number.NEGATIVE_INFINITY, ...f.edges].map((e) =>
            Number.isFinite(e) ? sql`toFloat64(${num(e)})` : sql`-inf`,
          ),
          ', ',
        )}]`,
    ),
    ', ',
  );
  const index = sql`transform(concat(toString(part), ':', k), [${keys}], [${indices}], 0)`;
  const edges = sql`arrayElement([${edgeArrays}], ${index})`;
  return {
    index,
    edges,
    bin: sql`arraySum(arrayMap((e, x) -> toUInt8(x >= e), ${edges}, replicate(v, ${edges}))) - 1`,
  };
}
