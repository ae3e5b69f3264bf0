/*
 * compareVersions: champion vs challenger on stored records — two versions of one model, or two
 * models scored on the same ids, each side read from its environment and time range, compared
 * with core/compare exactly as `vigil evaluate` compares two files (evaluateComparison,
 * pairRecords).
 *
 * Paired or not: records are keyed by (environment, version, id) (migration 8), so two versions
 * that scored the same records in one environment (a challenger in shadow, a re-score) share
 * ids, as do two models scored on the same ids. When at least half of the smaller side's
 * labelled records have an id in the other side, the comparison is paired on the shared ids (the
 * baseline's actual is the target); otherwise the sides are independent samples. The answer
 * says which.
 *
 * Segments (`by`): a comma-separated list of tags and `feature:NAME`s. A categorical feature
 * segments by value (the COMPARE_MAX_CATEGORIES most frequent in the baseline, the rest
 * `(other)`); a numeric one by the baseline's quantile buckets (`buckets`, default 4; edges are
 * the baseline's values at i/B, duplicates dropped; labels as GET /segments). A record without
 * the tag or the feature is `(missing)`. Every segment of every column is one hypothesis of the
 * Benjamini–Hochberg correction.
 */
import {
  type CompareInput,
  type CompareTask,
  type ComparisonReport,
  evaluateComparison,
  type Label,
  type ModelSide,
  pairRecords,
  type RankedQuery,
} from '../core/index.js';
import { VigilError } from '../shared/index.js';
import { type CompareRow, countVersionRecords, type Store, selectCompareRows } from '../store/index.js';
import type { ModelContext } from './model-context.js';
import { bucketLabels, FEATURE_PREFIX } from './segments-feature.js';

/** MAX_COMPARE_RECORDS is the most labelled records a side may hold (narrow from/to past it). */
export const MAX_COMPARE_RECORDS = 200_000;

/** PAIRED_SHARE: the share of the smaller side's records that must be shared for a paired comparison. */
export const PAIRED_SHARE = 0.5;

/** Segment columns a comparison takes at most; categories of a feature kept before `(other)`. */
export const COMPARE_MAX_COLUMNS = 5;
export const COMPARE_MAX_CATEGORIES = 20;
export const COMPARE_BUCKETS = { default: 4, min: 2, max: 20 } as const;

/** VersionSide names one side of a comparison: a model, a version (all when absent), an environment. */
export interface VersionSide {
  readonly model: string;
  readonly version?: string | undefined;
  readonly environment: string;
}

export interface CompareVersionsOptions {
  readonly project: string;
  /** The two sides; errors name them `baseline` and `candidate` (the query parameters). */
  readonly baseline: VersionSide;
  readonly candidate: VersionSide;
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** by: comma-separated tags and `feature:NAME`s whose values (buckets) are the segments. */
  readonly by?: string | undefined;
  /** buckets of a numeric feature segment (default 4). */
  readonly buckets?: number | undefined;
  readonly metric?: string | undefined;
  readonly alpha?: number | undefined;
  readonly effect?: number | undefined;
  /** threshold turns a binary score into a predicted label when there is no label (default 0.5). */
  readonly threshold?: number | undefined;
  /** Seed and resamples of the bootstrap and randomization tests (defaults 1 and 2000). */
  readonly seed?: number | undefined;
  readonly resamples?: number | undefined;
}

/** One side as the answer describes it. */
export type ComparedSide = {
  readonly model: string;
  readonly version: string | null;
  readonly environment: string;
  readonly records: number;
  readonly labelled: number;
};

/** VersionComparison is compareVersions' answer: the comparison and what was compared. */
export type VersionComparison = ComparisonReport & {
  /** The candidate's model (the path's). */
  readonly model: string;
  readonly baseline: ComparedSide;
  readonly candidate: ComparedSide;
  /** Records whose id both sides scored (labelled ones). */
  readonly shared_ids: number;
  readonly by: string | null;
};

/** SegmentColumn is one parsed entry of `by`. */
type SegmentColumn =
  | { kind: 'tag'; name: string; label: string }
  | { kind: 'feature'; name: string; label: string };

/** parseBy reads `by` (comma-separated tags and feature:NAME), naming the field on error. */
export function parseBy(by: string | undefined): SegmentColumn[] {
  if (by === undefined) return [];
  const parts = by.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '' || p === FEATURE_PREFIX))
    throw new VigilError(
      'invalid_request',
      `by: an empty segment name in ${JSON.stringify(by)}; give TAG or feature:NAME, comma-separated`,
      { field: 'by' },
    );
  if (parts.length > COMPARE_MAX_COLUMNS)
    throw new VigilError(
      'invalid_request',
      `by: at most ${COMPARE_MAX_COLUMNS} segment columns, got ${parts.length}`,
      { field: 'by' },
    );
  if (new Set(parts).size !== parts.length)
    throw new VigilError('invalid_request', `by: a segment column is named twice in ${JSON.stringify(by)}`, {
      field: 'by',
    });
  return parts.map((p) =>
    p.startsWith(FEATURE_PREFIX)
      ? { kind: 'feature', name: p.slice(FEATURE_PREFIX.length), label: p }
      : { kind: 'tag', name: p, label: p },
  );
}

/** One usable labelled prediction, whatever the task. */
interface Usable {
  readonly id: string;
  readonly row: CompareRow;
  readonly target: Label;
  readonly score: number | null;
  readonly prediction: Label | null;
  readonly query: RankedQuery | null;
}

function usableRows(rows: readonly CompareRow[], task: CompareTask, ctx: ModelContext, threshold: number) {
  const out: Usable[] = [];
  const positive = ctx.positiveLabel ?? '1';
  for (const r of rows) {
    const base = { id: r.id, row: r };
    if (task === 'binary') {
      if (r.y_label === null) continue;
      const score = r.pred_score === null ? null : Number(r.pred_score);
      const prediction =
        r.pred_label !== null
          ? Number(r.pred_label === positive)
          : score === null
            ? null
            : Number(score >= threshold);
      if (score === null && prediction === null) continue;
      out.push({ ...base, target: Number(r.y_label === positive), score, prediction, query: null });
    } else if (task === 'multiclass') {
      if (r.y_label === null) continue;
      let prediction: string | null = r.pred_label;
      if (prediction === null && r.pred_class_keys.length > 0) {
        const scores = r.pred_class_scores.map(Number);
        prediction = r.pred_class_keys[scores.indexOf(Math.max(...scores))] ?? null;
      }
      if (prediction === null) continue;
      out.push({ ...base, target: r.y_label, score: null, prediction, query: null });
    } else if (task === 'regression') {
      if (r.y_value === null || r.pred_value === null) continue;
      out.push({
        ...base,
        target: Number(r.y_value),
        score: null,
        prediction: Number(r.pred_value),
        query: null,
      });
    } else {
      if (r.y_rel_keys.length === 0) continue;
      const relevance: Record<string, number> = {};
      r.y_rel_keys.forEach((k, i) => {
        relevance[k] = Number(r.y_rel_values[i]);
      });
      out.push({
        ...base,
        target: 0,
        score: null,
        prediction: null,
        query: { ranking: r.pred_ranking, relevance },
      });
    }
  }
  return out;
}

const MISSING = '(missing)';
const OTHER = '(other)';

/**
 * segmenter turns one column of `by` into a function from a record to its segment, learnt on the
 * baseline's records (a feature's type, its buckets or its kept categories).
 */
function segmenter(
  column: SegmentColumn,
  tagIndex: number,
  featureIndex: number,
  reference: readonly Usable[],
  buckets: number,
): (r: CompareRow) => string {
  if (column.kind === 'tag')
    return (r) => {
      const v = r.segs[tagIndex] ?? '';
      return v === '' ? MISSING : v;
    };
  const j = featureIndex;
  let nNum = 0;
  let nCat = 0;
  for (const u of reference) {
    if (Number(u.row.f_has_num[j]) === 1) nNum++;
    else if (Number(u.row.f_has_cat[j]) === 1) nCat++;
  }
  if (nNum + nCat === 0)
    throw new VigilError(
      'invalid_request',
      `by: feature ${JSON.stringify(column.name)} has no values in the baseline's labelled records`,
      { field: 'by' },
    );
  if (nCat > nNum) {
    const counts = new Map<string, number>();
    for (const u of reference)
      if (Number(u.row.f_has_cat[j]) === 1)
        counts.set(u.row.f_cat[j]!, (counts.get(u.row.f_cat[j]!) ?? 0) + 1);
    const kept = new Set(
      [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, COMPARE_MAX_CATEGORIES)
        .map(([v]) => v),
    );
    return (r) => {
      if (Number(r.f_has_cat[j]) !== 1) return MISSING;
      const v = r.f_cat[j]!;
      return kept.has(v) ? v : OTHER;
    };
  }
  const values = reference
    .filter((u) => Number(u.row.f_has_num[j]) === 1)
    .map((u) => Number(u.row.f_num[j]))
    .sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let i = 1; i < buckets; i++) cuts.push(values[Math.floor((i * values.length) / buckets)]!);
  const edges = [...new Set(cuts)].filter(Number.isFinite).sort((a, b) => a - b);
  const labels = bucketLabels(edges);
  return (r) => {
    if (Number(r.f_has_num[j]) !== 1) return MISSING;
    const x = Number(r.f_num[j]);
    let k = 0;
    while (k < edges.length && x >= edges[k]!) k++;
    return labels[k]!;
  };
}

/** sideOf builds a ModelSide; scores only when every record has one (else AUC is left out). */
function sideOf(rows: readonly Usable[], targets: readonly Label[], task: CompareTask): ModelSide {
  if (task === 'ranking') return { target: targets, queries: rows.map((r) => r.query!) };
  const scores = rows.every((r) => r.score !== null) ? rows.map((r) => r.score!) : undefined;
  const predictions = rows.every((r) => r.prediction !== null) ? rows.map((r) => r.prediction!) : undefined;
  return { target: targets, score: task === 'binary' ? scores : undefined, prediction: predictions };
}

function describeSide(side: VersionSide): string {
  return side.version === undefined
    ? `model ${JSON.stringify(side.model)}`
    : `version ${JSON.stringify(side.version)} of model ${JSON.stringify(side.model)}`;
}

async function readSide(
  store: Store,
  o: CompareVersionsOptions,
  side: VersionSide,
  field: 'baseline' | 'candidate',
  columns: readonly SegmentColumn[],
): Promise<{ records: number; rows: CompareRow[] }> {
  const window = { environment: side.environment, version: side.version, fromMs: o.fromMs, toMs: o.toMs };
  const q = { project: o.project, model: side.model, window };
  const records = await countVersionRecords(store, q);
  if (records === 0)
    throw new VigilError(
      'not_found',
      `${field}: ${describeSide(side)} has no records in environment ${side.environment}${o.fromMs !== undefined || o.toMs !== undefined ? ' in the given time range' : ''}`,
      { status: 404, field },
    );
  const rows = await selectCompareRows(store, {
    ...q,
    tags: columns.filter((c) => c.kind === 'tag').map((c) => c.name),
    features: columns.filter((c) => c.kind === 'feature').map((c) => c.name),
    limit: MAX_COMPARE_RECORDS + 1,
  });
  if (rows.length > MAX_COMPARE_RECORDS)
    throw new VigilError(
      'too_many_records',
      `${field}: ${describeSide(side)} has more than ${MAX_COMPARE_RECORDS} labelled records in the window; narrow it with from and to`,
      { status: 400, field },
    );
  return { records, rows };
}

/**
 * compareVersions compares a candidate with a baseline (two versions of a model, or two models)
 * on their labelled records (paired on shared ids when there are enough, see above), overall and
 * per segment of `by`. `baselineCtx` is the baseline model's context when it is another model.
 */
export async function compareVersions(
  store: Store,
  ctx: ModelContext,
  o: CompareVersionsOptions,
  baselineCtx: ModelContext = ctx,
): Promise<VersionComparison> {
  // A forecast compares as a regression of its point values (actuals joined by record id).
  const task: CompareTask = ctx.task === 'forecast' ? 'regression' : ctx.task;
  if (baselineCtx.task !== ctx.task)
    throw new VigilError(
      'invalid_request',
      `baseline_model: model ${JSON.stringify(o.baseline.model)} is a ${baselineCtx.task} model and ${JSON.stringify(o.candidate.model)} a ${ctx.task} model; only models of one task compare`,
      { field: 'baseline_model' },
    );
  const columns = parseBy(o.by);
  const [b, c] = await Promise.all([
    readSide(store, o, o.baseline, 'baseline', columns),
    readSide(store, o, o.candidate, 'candidate', columns),
  ]);
  const threshold = o.threshold ?? 0.5;
  const ref = usableRows(b.rows, task, baselineCtx, threshold);
  const cand = usableRows(c.rows, task, ctx, threshold);
  for (const [field, side, rows] of [
    ['baseline', o.baseline, ref],
    ['candidate', o.candidate, cand],
  ] as const) {
    if (rows.length === 0)
      throw new VigilError(
        'no_labels',
        `${field}: ${describeSide(side)} has no labelled ${task} predictions in the window; send actuals (POST /v1/actuals) first`,
        { status: 400, field },
      );
  }
  const pairs = pairRecords(
    ref.map((r) => r.id),
    cand.map((r) => r.id),
  );
  const paired = pairs.reference.length >= PAIRED_SHARE * Math.min(ref.length, cand.length);
  const rr = paired ? pairs.reference.map((i) => ref[i]!) : ref;
  const cr = paired ? pairs.candidate.map((i) => cand[i]!) : cand;
  // Segments are learnt on the baseline's compared records; a paired record is in the baseline's segment.
  const buckets = o.buckets ?? COMPARE_BUCKETS.default;
  let tagIndex = 0;
  let featureIndex = 0;
  const segments: Record<string, { reference: string[]; candidate: string[] }> = {};
  for (const column of columns) {
    const of = segmenter(
      column,
      column.kind === 'tag' ? tagIndex++ : -1,
      column.kind === 'feature' ? featureIndex++ : -1,
      rr,
      buckets,
    );
    const reference = rr.map((u) => of(u.row));
    segments[column.label] = { reference, candidate: paired ? reference : cr.map((u) => of(u.row)) };
  }
  const rTargets = rr.map((r) => r.target);
  const input: CompareInput = {
    task,
    paired,
    reference: sideOf(rr, rTargets, task),
    candidate: sideOf(cr, paired ? rTargets : cr.map((r) => r.target), task),
    segments,
  };
  let report: ComparisonReport;
  try {
    report = evaluateComparison(input, {
      alpha: o.alpha,
      metric: o.metric,
      effect: o.effect,
      seed: o.seed,
      resamples: o.resamples,
    });
  } catch (e) {
    if (e instanceof RangeError)
      throw new VigilError('invalid_request', `metric: ${e.message}`, { field: 'metric' });
    throw e;
  }
  const described = (side: VersionSide, records: number, labelled: number): ComparedSide => ({
    model: side.model,
    version: side.version ?? null,
    environment: side.environment,
    records,
    labelled,
  });
  return {
    model: o.candidate.model,
    baseline: described(o.baseline, b.records, ref.length),
    candidate: described(o.candidate, c.records, cand.length),
    shared_ids: pairs.reference.length,
    by: o.by ?? null,
    ...report,
  };
}
