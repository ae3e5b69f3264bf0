import {
  checkFeatureQuality,
  dominantType,
  type FeatureQuality,
  QUALITY_CHECK_NAMES,
  type QualityProfile,
  type QualityStatus,
  worstStatus,
} from '../core/quality/index.js';
import {
  bucketDistinctMax,
  MAX_MODEL_FEATURES,
  QUALITY_MAX_CATEGORIES,
  QUALITY_MAX_VALUE_COUNTS,
  type QualityRows,
  qualityProfileRows,
  type Store,
  tooManyFeatures,
  WHOLE_WINDOW as WHOLE,
  type RecordWindow as Window,
} from '../store/index.js';
import { BUCKET_MS, type DriftGranularity, MAX_DRIFT_BUCKETS, TooManyBuckets } from './drift-over-time.js';

/*
 * Data quality per feature and time bucket (docs/quality.md). ClickHouse aggregates, per
 * (bucket, feature), what core/quality's QualityProfile needs — rows, numeric and categorical
 * value counts, min/max, exact distinct counts, the top categories, values outside the
 * baseline's range — and core/quality gives the verdicts. The baseline is aggregated first (its
 * min/max go into the current window's out-of-range count as literals), then the current window
 * in the same queries, each record counted once in its bucket and once in the whole window
 * (bucket −1), so the window's own verdict and its buckets' come from one scan.
 */

export { QUALITY_MAX_CATEGORIES, QUALITY_MAX_VALUE_COUNTS };

export type QualityGranularity = Extract<DriftGranularity, 'hour' | 'day'>;
export type ApiStatus = 'ok' | 'warning' | 'alert';
export type CheckName = keyof FeatureQuality['checks'];
/** CHECK_NAMES: every check, in the answer's order (core/quality's one list). */
const CHECK_NAMES: readonly CheckName[] = QUALITY_CHECK_NAMES;

export interface QualityCheckResult {
  check: CheckName;
  status: ApiStatus;
  value: number | null;
  detail: string;
}

export interface QualityBucketResult {
  start: string;
  end: string;
  rows: number;
  status: ApiStatus;
  missing_share: number | null;
  type_mismatch_share: number | null;
  out_of_range_share: number | null;
  new_category_share: number | null;
  cardinality_ratio: number | null;
  distinct: number | null;
  /** issues are the checks that are not ok in this bucket. */
  issues: Array<{ check: CheckName; status: ApiStatus; detail: string }>;
}

export interface FeatureQualityResult {
  name: string;
  type: 'numeric' | 'categorical' | null;
  status: ApiStatus;
  checks: QualityCheckResult[];
  baseline: {
    missing_share: number | null;
    min: number | null;
    max: number | null;
    distinct: number | null;
  };
  buckets: QualityBucketResult[];
}

export interface QualityReport {
  granularity: QualityGranularity;
  rows: { baseline: number; current: number };
  features: FeatureQualityResult[];
  summary: {
    status: ApiStatus;
    features: number;
    buckets: number;
    by_status: Record<ApiStatus, number>;
    /** by_check counts the features whose whole-window check is a warning or an alert. */
    by_check: Record<CheckName, { warning: number; alert: number }>;
  };
}

/** apiStatus names core's 'fail' as the API's 'alert'. */
export const apiStatus = (s: QualityStatus): ApiStatus => (s === 'fail' ? 'alert' : s);

interface MutableProfile {
  rows: number;
  numeric: number;
  categorical: number;
  min?: number;
  max?: number;
  numDistinct: number;
  catDistinct: number;
  categories: Map<string, number>;
  valueCounts?: { values: Float64Array; counts: Float64Array };
  outOfRange?: number;
}

/** Per bucket (WHOLE for a whole window): its row count and its features' profiles. */
type Profiles = Map<number, { rows: number; features: Map<string, MutableProfile> }>;

/**
 * aggregateProfiles runs the profile queries over a row set (store/queries/quality.ts).
 * `range` gives the baseline's [min, max] per numeric feature for the out-of-range count;
 * `valueCounts` asks for exact numeric value counts (the baseline's, for cardinality).
 */
async function aggregateProfiles(
  store: Store,
  rows: QualityRows,
  opts: { range?: Map<string, [number, number]>; valueCounts?: boolean },
): Promise<Profiles> {
  const ranged = [...(opts.range ?? new Map<string, [number, number]>())];
  if (ranged.length > MAX_MODEL_FEATURES) throw tooManyFeatures(ranged.length);
  const { counts, nums, outsides, catTotals, cats, values } = await qualityProfileRows(store, rows, {
    range: ranged,
    ...(opts.valueCounts === undefined ? {} : { valueCounts: opts.valueCounts }),
  });
  const out: Profiles = new Map();
  const bucket = (b: number) => {
    let e = out.get(Number(b));
    if (!e) {
      e = { rows: 0, features: new Map() };
      out.set(Number(b), e);
    }
    return e;
  };
  const feature = (b: number, k: string) => {
    const e = bucket(b);
    let p = e.features.get(k);
    if (!p) {
      p = { rows: 0, numeric: 0, categorical: 0, numDistinct: 0, catDistinct: 0, categories: new Map() };
      e.features.set(k, p);
    }
    return p;
  };
  for (const r of counts) {
    if (r.k === '') bucket(r.b).rows = Number(r.n);
    else feature(r.b, r.k.slice(2));
  }
  for (const r of nums) {
    const p = feature(r.b, r.k);
    p.numeric = Number(r.n);
    p.min = Number(r.lo);
    p.max = Number(r.hi);
    p.numDistinct = Number(r.d);
    if (ranged.length > 0) p.outOfRange = 0;
  }
  for (const r of outsides) feature(r.b, r.k).outOfRange = Number(r.out);
  for (const r of catTotals) {
    const p = feature(r.b, r.k);
    p.categorical = Number(r.n);
    p.catDistinct = Number(r.d);
  }
  for (const r of cats) feature(r.b, r.k).categories.set(r.s, Number(r.c));
  const lists = new Map<string, Array<[number, number]>>();
  for (const r of values) {
    const key = `${Number(r.b)}\u0000${r.k}`;
    const list = lists.get(key) ?? [];
    list.push([Number(r.v), Number(r.c)]);
    lists.set(key, list);
  }
  for (const [key, list] of lists) {
    if (list.length > QUALITY_MAX_VALUE_COUNTS) continue;
    const [b, k] = key.split('\u0000') as [string, string];
    feature(Number(b), k).valueCounts = {
      values: Float64Array.from(list, ([v]) => v),
      counts: Float64Array.from(list, ([, c]) => c),
    };
  }
  return out;
}

/** profileFor is the QualityProfile of feature `name` in a bucket (all missing when unseen). */
function profileFor(
  bucket: { rows: number; features: Map<string, MutableProfile> },
  name: string,
): QualityProfile {
  const p = bucket.features.get(name);
  if (!p) return { rows: bucket.rows, numeric: 0, categorical: 0, distinct: 0, categories: new Map() };
  // Rows inserted between the queries (ingestion never pauses) could leave more values than
  // rows; the rows then follow the values.
  const rows = Math.max(bucket.rows, p.numeric + p.categorical);
  return {
    rows,
    numeric: p.numeric,
    categorical: p.categorical,
    ...(p.numeric > 0 && p.min !== undefined && p.max !== undefined ? { min: p.min, max: p.max } : {}),
    distinct: p.numDistinct + p.catDistinct,
    categories: p.categories,
    ...(p.valueCounts ? { valueCounts: p.valueCounts } : {}),
    ...(p.outOfRange === undefined ? {} : { outOfRange: p.outOfRange }),
  };
}

export interface QualityOptions {
  project: string;
  model: string;
  baseline: Window;
  current: Window;
  granularity: QualityGranularity;
}

/** measureQuality checks every feature of the current window and of each of its buckets. */
export async function measureQuality(store: Store, opts: QualityOptions): Promise<QualityReport> {
  const rows = (window: Window, buckets: QualityRows['buckets']): QualityRows => ({
    project: opts.project,
    model: opts.model,
    window,
    buckets,
    granularity: opts.granularity,
  });
  const base = await aggregateProfiles(store, rows(opts.baseline, 'whole'), { valueCounts: true });
  const baseWhole = base.get(WHOLE) ?? { rows: 0, features: new Map<string, MutableProfile>() };
  const range = new Map<string, [number, number]>();
  for (const [k, p] of baseWhole.features)
    if (p.numeric > 0 && p.min !== undefined && p.max !== undefined) range.set(k, [p.min, p.max]);
  // Each current record counts in its bucket and in the whole window.
  const current = await aggregateProfiles(store, rows(opts.current, 'bucketAndWhole'), { range });
  const whole = current.get(WHOLE) ?? { rows: 0, features: new Map<string, MutableProfile>() };
  const baselineBucketDistinct = await bucketDistinctMax(store, rows(opts.baseline, 'bucket'));
  const starts = [...current.keys()].filter((b) => b !== WHOLE).sort((a, b) => a - b);
  if (starts.length > MAX_DRIFT_BUCKETS) throw new TooManyBuckets(starts.length);

  const width = BUCKET_MS[opts.granularity];
  const names = [...new Set([...baseWhole.features.keys(), ...whole.features.keys()])].sort();
  const features = names.map((name): FeatureQualityResult => {
    const reference = baseWhole.rows > 0 ? profileFor(baseWhole, name) : null;
    const now = profileFor(whole, name);
    const overall = checkFeatureQuality(now, reference);
    const buckets = starts.map((b): QualityBucketResult => {
      const c = current.get(b) ?? { rows: 0, features: new Map<string, MutableProfile>() };
      const profile = profileFor(c, name);
      const q = checkFeatureQuality(profile, reference);
      // Constancy is judged against the baseline's own buckets of the same size: a feature
      // constant within each of them (a weekday in daily buckets) is not a problem when it is
      // constant within a current bucket, nor is its bucket's low cardinality.
      // (A feature constant in the whole baseline is judged by the whole window's check alone.)
      const expectedConstant =
        baselineBucketDistinct.get(name) === 1 && (reference?.distinct ?? 0) > 1 && profile.distinct === 1;
      const issueNames = CHECK_NAMES.filter(
        (n) =>
          q.checks[n].status !== 'ok' && !(expectedConstant && (n === 'constant' || n === 'cardinality')),
      );
      const status = expectedConstant ? worstStatus(issueNames.map((n) => q.checks[n].status)) : q.status;
      return {
        start: new Date(Math.max(b, opts.current.fromMs ?? b)).toISOString(),
        end: new Date(Math.min(b + width, opts.current.toMs ?? b + width)).toISOString(),
        rows: profile.rows,
        status: apiStatus(status),
        missing_share: q.checks.missing.value,
        type_mismatch_share: q.checks.type_mismatch.value,
        out_of_range_share: q.checks.out_of_range.value,
        new_category_share: q.checks.new_categories.value,
        cardinality_ratio: q.checks.cardinality.value,
        distinct: profile.distinct ?? null,
        issues: issueNames.map((n) => ({
          check: n,
          status: apiStatus(q.checks[n].status),
          detail: q.checks[n].reason,
        })),
      };
    });
    return {
      name,
      type: dominantType(now) ?? (reference ? dominantType(reference) : null),
      status: apiStatus(overall.status),
      checks: CHECK_NAMES.map((n) => ({
        check: n,
        status: apiStatus(overall.checks[n].status),
        value: overall.checks[n].value,
        detail: overall.checks[n].reason,
      })),
      baseline: {
        missing_share:
          reference && reference.rows > 0
            ? (reference.rows - reference.numeric - reference.categorical) / reference.rows
            : null,
        min: reference?.min ?? null,
        max: reference?.max ?? null,
        distinct: reference?.distinct ?? null,
      },
      buckets,
    };
  });

  const byStatus: Record<ApiStatus, number> = { ok: 0, warning: 0, alert: 0 };
  for (const f of features) byStatus[f.status]++;
  const byCheck = Object.fromEntries(CHECK_NAMES.map((n) => [n, { warning: 0, alert: 0 }])) as Record<
    CheckName,
    { warning: number; alert: number }
  >;
  for (const f of features) for (const c of f.checks) if (c.status !== 'ok') byCheck[c.check][c.status]++;
  return {
    granularity: opts.granularity,
    rows: { baseline: baseWhole.rows, current: whole.rows },
    features,
    summary: {
      status: apiStatus(worstStatus(features.map((f) => (f.status === 'alert' ? 'fail' : f.status)))),
      features: features.length,
      buckets: starts.length,
      by_status: byStatus,
      by_check: byCheck,
    },
  };
}
