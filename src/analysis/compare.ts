/*
 * compareVersions: champion vs challenger on stored records — two versions of one model, each
 * read from its environment and time range, compared with core/compare exactly as `vigil
 * evaluate` compares two files (evaluateComparison, pairRecords).
 *
 * Paired or not: a record id is unique per model and environment, so two versions share ids only
 * when they scored the same records in different environments (e.g. a challenger in `lab`
 * scoring production's records). When at least half of the smaller side's labelled records have
 * an id in the other side, the comparison is paired on the shared ids (the baseline's actual is
 * the target); otherwise the sides are independent samples. The answer says which.
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

/** MAX_COMPARE_RECORDS is the most labelled records a side may hold (narrow from/to past it). */
export const MAX_COMPARE_RECORDS = 200_000;

/** PAIRED_SHARE: the share of the smaller side's records that must be shared for a paired comparison. */
export const PAIRED_SHARE = 0.5;

/** VersionSide names one side of a comparison. */
export interface VersionSide {
  readonly version: string;
  readonly environment: string;
}

export interface CompareVersionsOptions {
  readonly project: string;
  readonly model: string;
  /** The two sides; errors name them `baseline` and `candidate` (the query parameters). */
  readonly baseline: VersionSide;
  readonly candidate: VersionSide;
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  /** by: a tag whose values are the segments. */
  readonly by?: string | undefined;
  readonly metric?: string | undefined;
  readonly alpha?: number | undefined;
  readonly effect?: number | undefined;
  /** threshold turns a binary score into a predicted label when there is no label (default 0.5). */
  readonly threshold?: number | undefined;
  /** Seed and resamples of the bootstrap and randomization tests (defaults 1 and 2000). */
  readonly seed?: number | undefined;
  readonly resamples?: number | undefined;
}

/** VersionComparison is compareVersions' answer: the comparison and what was compared. */
export type VersionComparison = ComparisonReport & {
  readonly model: string;
  readonly baseline: VersionSide & { readonly records: number; readonly labelled: number };
  readonly candidate: VersionSide & { readonly records: number; readonly labelled: number };
  /** Records whose id both sides scored (labelled ones). */
  readonly shared_ids: number;
  readonly by: string | null;
};

/** One usable labelled prediction, whatever the task. */
interface Usable {
  readonly id: string;
  readonly seg: string;
  readonly target: Label;
  readonly score: number | null;
  readonly prediction: Label | null;
  readonly query: RankedQuery | null;
}

function usableRows(rows: readonly CompareRow[], task: CompareTask, ctx: ModelContext, threshold: number) {
  const out: Usable[] = [];
  const positive = ctx.positiveLabel ?? '1';
  for (const r of rows) {
    const base = { id: r.id, seg: r.seg === '' ? '(missing)' : r.seg };
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

/** sideOf builds a ModelSide; scores only when every record has one (else AUC is left out). */
function sideOf(rows: readonly Usable[], targets: readonly Label[], task: CompareTask): ModelSide {
  if (task === 'ranking') return { target: targets, queries: rows.map((r) => r.query!) };
  const scores = rows.every((r) => r.score !== null) ? rows.map((r) => r.score!) : undefined;
  const predictions = rows.every((r) => r.prediction !== null) ? rows.map((r) => r.prediction!) : undefined;
  return { target: targets, score: task === 'binary' ? scores : undefined, prediction: predictions };
}

async function readSide(
  store: Store,
  o: CompareVersionsOptions,
  side: VersionSide,
  field: 'baseline' | 'candidate',
): Promise<{ records: number; rows: CompareRow[] }> {
  const window = { environment: side.environment, version: side.version, fromMs: o.fromMs, toMs: o.toMs };
  const q = { project: o.project, model: o.model, window };
  const records = await countVersionRecords(store, q);
  if (records === 0)
    throw new VigilError(
      'not_found',
      `${field}: version ${JSON.stringify(side.version)} of model ${JSON.stringify(o.model)} has no records in environment ${side.environment}${o.fromMs !== undefined || o.toMs !== undefined ? ' in the given time range' : ''}`,
      { status: 404, field },
    );
  const rows = await selectCompareRows(store, { ...q, tag: o.by, limit: MAX_COMPARE_RECORDS + 1 });
  if (rows.length > MAX_COMPARE_RECORDS)
    throw new VigilError(
      'too_many_records',
      `${field}: version ${JSON.stringify(side.version)} has more than ${MAX_COMPARE_RECORDS} labelled records in the window; narrow it with from and to`,
      { status: 400, field },
    );
  return { records, rows };
}

/**
 * compareVersions compares a candidate version of a model with a baseline version on their
 * labelled records (paired on shared ids when there are enough, see above), overall and per value
 * of the tag `by`.
 */
export async function compareVersions(
  store: Store,
  ctx: ModelContext,
  o: CompareVersionsOptions,
): Promise<VersionComparison> {
  // A forecast compares as a regression of its point values (actuals joined by record id).
  const task: CompareTask = ctx.task === 'forecast' ? 'regression' : ctx.task;
  const [b, c] = await Promise.all([
    readSide(store, o, o.baseline, 'baseline'),
    readSide(store, o, o.candidate, 'candidate'),
  ]);
  const threshold = o.threshold ?? 0.5;
  const ref = usableRows(b.rows, task, ctx, threshold);
  const cand = usableRows(c.rows, task, ctx, threshold);
  for (const [field, side, rows] of [
    ['baseline', o.baseline, ref],
    ['candidate', o.candidate, cand],
  ] as const) {
    if (rows.length === 0)
      throw new VigilError(
        'no_labels',
        `${field}: version ${JSON.stringify(side.version)} has no labelled ${task} predictions in the window; send actuals (POST /v1/actuals) first`,
        { status: 400, field },
      );
  }
  const pairs = pairRecords(
    ref.map((r) => r.id),
    cand.map((r) => r.id),
  );
  const paired = pairs.reference.length >= PAIRED_SHARE * Math.min(ref.length, cand.length);
  let input: CompareInput;
  if (paired) {
    const rr = pairs.reference.map((i) => ref[i]!);
    const cr = pairs.candidate.map((i) => cand[i]!);
    const targets = rr.map((r) => r.target);
    const seg = rr.map((r) => r.seg);
    input = {
      task,
      paired: true,
      reference: sideOf(rr, targets, task),
      candidate: sideOf(cr, targets, task),
      segments: o.by === undefined ? {} : { [o.by]: { reference: seg, candidate: seg } },
    };
  } else {
    input = {
      task,
      paired: false,
      reference: sideOf(
        ref,
        ref.map((r) => r.target),
        task,
      ),
      candidate: sideOf(
        cand,
        cand.map((r) => r.target),
        task,
      ),
      segments:
        o.by === undefined
          ? {}
          : { [o.by]: { reference: ref.map((r) => r.seg), candidate: cand.map((r) => r.seg) } },
    };
  }
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
  return {
    model: o.model,
    baseline: { ...o.baseline, records: b.records, labelled: ref.length },
    candidate: { ...o.candidate, records: c.records, labelled: cand.length },
    shared_ids: pairs.reference.length,
    by: o.by ?? null,
    ...report,
  };
}
