import {
  averagePrecisionFromScoreCounts,
  metricsFromConfusion,
  multiclassMetrics,
  rocAucFromScoreCounts,
} from '../core/index.js';
import { int, num, type Store, str } from '../store/index.js';
import type { Task } from './models.js';
import { fin, type Window, windowWhere } from './windows.js';

export type Granularity = 'hour' | 'day' | 'all';
/** 'all' is one bucket for the whole window (offline reports), starting at the epoch. */
export const GRANULARITY_MS: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000, all: 1e15 };

export interface PerformanceOptions {
  project: string;
  model: string;
  task: Task;
  window: Window;
  granularity: Granularity;
  /** positiveLabel of a binary classifier (see resolvePositiveLabel). */
  positiveLabel?: string | undefined;
  /** threshold turns a binary score into a predicted label (default 0.5). */
  threshold?: number | undefined;
  /** labelsAsOfMs ignores actuals that arrived after this time (replays and backtests). */
  labelsAsOfMs?: number | undefined;
}

export interface PerformanceBucket {
  start: string;
  count: number;
  labeled: number;
  metrics: Record<string, number | null>;
  estimated: Record<string, number | null> | null;
}

/** K is the cut-off of the ranking metrics reported (ndcg@10, map@10, recall@10). */
export const K = 10;

/** Tokens read as the positive class of a binary model when none is declared. */
const POSITIVE_TOKENS = ['1', 'true', 'yes', 'y', 'positive', 'pos', 'fraud', 'spam', 'churn', 'default'];

/**
 * resolvePositiveLabel picks a binary model's positive class: the declared one, else a label
 * that reads as positive (1, true, yes, fraud, …), else the rarer of the two labels seen.
 */
export function resolvePositiveLabel(
  declared: string | undefined,
  labels: ReadonlyArray<{ label: string; n: number }>,
): string {
  if (declared !== undefined) return declared;
  for (const token of POSITIVE_TOKENS) {
    const hit = labels.find((l) => l.label.toLowerCase() === token);
    if (hit) return hit.label;
  }
  const sorted = [...labels].sort((a, b) => a.n - b.n);
  return sorted[0]?.label ?? '1';
}

/**
 * joinedRows is one row per prediction of the window with its actual: from the `actuals` table
 * when one arrived (the later word wins), else the one sent inline with the record.
 */
export function joinedRows(store: Store, opts: PerformanceOptions): string {
  const asOf = opts.labelsAsOfMs === undefined ? '' : ` AND ts <= ${int(opts.labelsAsOfMs)}`;
  return `SELECT ts, tag_keys, tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores, pred_ranking,
      found OR has_actual = 1 AS labeled,
      if(found, a_label, act_label) AS y_label,
      if(found, a_value, act_value) AS y_value,
      if(found, a_rel_keys, act_rel_keys) AS y_rel_keys,
      if(found, a_rel_values, act_rel_values) AS y_rel_values
    FROM (SELECT project, model, id, ts, tag_keys, tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores,
                 pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual
          FROM ${store.table('records')}${fin(opts.window)} WHERE ${windowWhere(opts.project, opts.model, opts.window)}) AS r
    ANY LEFT JOIN (SELECT project, model, id, toUInt8(1) AS found, act_label AS a_label, act_value AS a_value,
                          act_rel_keys AS a_rel_keys, act_rel_values AS a_rel_values
                   FROM ${store.table('actuals')} FINAL
                   WHERE project = ${str(opts.project)} AND model = ${str(opts.model)}${asOf}) AS a
    USING (project, model, id)`;
}

/** measurePerformance computes metrics per time bucket inside ClickHouse, by task. */
export async function measurePerformance(
  store: Store,
  opts: PerformanceOptions,
): Promise<PerformanceBucket[]> {
  const g = GRANULARITY_MS[opts.granularity];
  const rows = joinedRows(store, opts);
  const bucket = `intDiv(ts, ${int(g)}) * ${int(g)}`;
  // One query per task: the join of records and actuals is the costly part, so each task's
  // metrics and the volumes come from a single pass over it.
  const buckets = await bucketsByTask(store, opts, rows, bucket);
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, v]) => ({
      start: new Date(b).toISOString(),
      count: v.count,
      labeled: v.labeled,
      metrics: v.metrics,
      estimated: null,
    }));
}

interface BucketValues {
  count: number;
  labeled: number;
  metrics: Record<string, number | null>;
}
type Buckets = Map<number, BucketValues>;

async function bucketsByTask(
  store: Store,
  opts: PerformanceOptions,
  rows: string,
  bucket: string,
): Promise<Buckets> {
  switch (opts.task) {
    case 'binary':
      return binaryMetrics(store, opts, rows, bucket);
    case 'multiclass': {
      const [volume, metrics] = await Promise.all([
        store.query<{ b: number; n: number; labeled: number }>(
          `SELECT ${bucket} AS b, count() AS n, countIf(labeled) AS labeled FROM (${rows}) GROUP BY b`,
        ),
        multiclassByBucket(store, rows, bucket),
      ]);
      return new Map(
        volume.map((v) => [
          Number(v.b),
          { count: Number(v.n), labeled: Number(v.labeled), metrics: metrics.get(Number(v.b)) ?? {} },
        ]),
      );
    }
    case 'regression':
      return regressionMetrics(store, rows, bucket);
    case 'ranking':
      return rankingMetrics(store, rows, bucket);
  }
}

type BucketMetrics = Map<number, Record<string, number | null>>;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

async function binaryMetrics(
  store: Store,
  opts: PerformanceOptions,
  rows: string,
  bucket: string,
): Promise<Buckets> {
  const positive = str(opts.positiveLabel ?? '1');
  const threshold = num(opts.threshold ?? 0.5);
  // Clipping as sklearn's log loss: p in [eps, 1 - eps], eps = float64 machine epsilon.
  const eps = '2.220446049250313e-16';
  const pc = `greatest(least(assumeNotNull(p), 1 - ${eps}), ${eps})`;
  // Rows are grouped by bucket, score (at 1e-6, so AUC and PR AUC are exact for scores with up
  // to 6 decimals) and calibration bin (10 equal-width bins, 1.0 in the last: the reference
  // vectors' convention); each group carries its own exact confusion counts and sums, and the
  // outer level gathers a bucket's groups into arrays, so one row comes back per bucket.
  const res = await store.query<{
    b: number;
    n: number;
    labeled: number;
    usable: number;
    tp: number;
    fp: number;
    tn: number;
    fn: number;
    scored: number;
    ll: number;
    brier: number;
    scores: Array<[number, number, number]>;
    calib: Array<[number, number, number, number]>;
  }>(
    `SELECT b, sum(n) AS n, sum(nl) AS labeled, sum(nu) AS usable, sum(tp) AS tp, sum(fp) AS fp, sum(tn) AS tn,
            sum(fn) AS fn, sum(ns) AS scored, sum(ll) AS ll, sum(brier) AS brier,
            groupArrayIf((s, pos, neg), ns > 0) AS scores, groupArrayIf((cbin, ns, conf, acc), ns > 0) AS calib
     FROM (
       SELECT b, s, cbin, count() AS n, countIf(labeled) AS nl, countIf(u) AS nu,
              countIf(u AND y = 1 AND yhat = 1) AS tp, countIf(u AND y = 0 AND yhat = 1) AS fp,
              countIf(u AND y = 0 AND yhat = 0) AS tn, countIf(u AND y = 1 AND yhat = 0) AS fn,
              countIf(scored) AS ns, countIf(scored AND y = 1) AS pos, countIf(scored AND y = 0) AS neg,
              sumIf(-(y * log(${pc}) + (1 - y) * log(1 - ${pc})), scored) AS ll,
              sumIf(pow(assumeNotNull(p) - y, 2), scored) AS brier,
              sumIf(assumeNotNull(p), scored) AS conf, sumIf(y, scored) AS acc
       FROM (
         SELECT ${bucket} AS b, labeled,
                labeled AND isNotNull(y_label) AND (isNotNull(pred_score) OR isNotNull(pred_label)) AS u,
                toUInt8(ifNull(y_label, '') = ${positive}) AS y,
                if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold})) AS yhat,
                pred_score AS p, u AND isNotNull(p) AS scored,
                if(scored, round(assumeNotNull(p), 6), -1) AS s,
                if(scored, least(toUInt8(floor(assumeNotNull(p) * 10)), 9), 255) AS cbin
         FROM (${rows}))
       GROUP BY b, s, cbin)
     GROUP BY b`,
  );
  const out: Buckets = new Map();
  for (const c of res) {
    const b = Number(c.b);
    const volume = { count: Number(c.n), labeled: Number(c.labeled) };
    if (Number(c.usable) === 0) {
      out.set(b, { ...volume, metrics: {} });
      continue;
    }
    const cm = { tp: Number(c.tp), fp: Number(c.fp), tn: Number(c.tn), fn: Number(c.fn) };
    const m = metricsFromConfusion(cm);
    const scored = Number(c.scored);
    const byScore = new Map<number, { score: number; pos: number; neg: number }>();
    for (const [score, pos, neg] of c.scores) {
      const e = byScore.get(Number(score)) ?? { score: Number(score), pos: 0, neg: 0 };
      e.pos += Number(pos);
      e.neg += Number(neg);
      byScore.set(e.score, e);
    }
    const sc = [...byScore.values()].sort((x, y) => x.score - y.score);
    const bins = new Map<number, { n: number; conf: number; acc: number }>();
    for (const [bin, n, conf, acc] of c.calib) {
      const e = bins.get(Number(bin)) ?? { n: 0, conf: 0, acc: 0 };
      e.n += Number(n);
      e.conf += Number(conf);
      e.acc += Number(acc);
      bins.set(Number(bin), e);
    }
    let ece = 0;
    for (const bin of bins.values()) ece += (bin.n / scored) * Math.abs(bin.acc / bin.n - bin.conf / bin.n);
    out.set(b, {
      ...volume,
      metrics: {
        accuracy: finiteOrNull(m.accuracy),
        precision: finiteOrNull(m.precision),
        recall: finiteOrNull(m.recall),
        f1: finiteOrNull(m.f1),
        auc: scored > 0 ? finiteOrNull(rocAucFromScoreCounts(sc)) : null,
        pr_auc: scored > 0 ? finiteOrNull(averagePrecisionFromScoreCounts(sc)) : null,
        log_loss: scored > 0 ? Number(c.ll) / scored : null,
        brier: scored > 0 ? Number(c.brier) / scored : null,
        ece: scored > 0 ? ece : null,
        tp: cm.tp,
        fp: cm.fp,
        tn: cm.tn,
        fn: cm.fn,
      },
    });
  }
  return out;
}

async function multiclassByBucket(store: Store, rows: string, bucket: string): Promise<BucketMetrics> {
  const eps = '2.220446049250313e-16';
  const labeled = `(SELECT ${bucket} AS b, assumeNotNull(y_label) AS y,
      if(isNull(pred_label) AND notEmpty(pred_class_keys),
         pred_class_keys[indexOf(pred_class_scores, arrayReduce('max', pred_class_scores))], ifNull(pred_label, '')) AS yhat,
      if(indexOf(pred_class_keys, y) > 0, pred_class_scores[indexOf(pred_class_keys, y)], NULL) AS p_true
    FROM (${rows}) WHERE labeled AND isNotNull(y_label))`;
  const [pairs, losses] = await Promise.all([
    store.query<{ b: number; y: string; yhat: string; n: number }>(
      `SELECT b, y, yhat, count() AS n FROM ${labeled} GROUP BY b, y, yhat`,
    ),
    store.query<{ b: number; scored: number; ll: number }>(
      `SELECT b, countIf(isNotNull(p_true)) AS scored,
              sumIf(-log(greatest(least(assumeNotNull(p_true), 1 - ${eps}), ${eps})), isNotNull(p_true)) AS ll
       FROM ${labeled} GROUP BY b`,
    ),
  ]);
  const out: BucketMetrics = new Map();
  const loss = new Map(losses.map((l) => [Number(l.b), l]));
  for (const [b, list] of groupBy(pairs, (r) => Number(r.b))) {
    const yTrue: string[] = [];
    const yPred: string[] = [];
    for (const r of list) {
      for (let i = 0; i < Number(r.n); i++) {
        yTrue.push(r.y);
        yPred.push(r.yhat);
      }
    }
    const m = multiclassMetrics(yTrue, yPred);
    const l = loss.get(b);
    const scored = Number(l?.scored ?? 0);
    out.set(b, {
      accuracy: finiteOrNull(m.accuracy),
      precision_macro: finiteOrNull(m.macro.precision),
      recall_macro: finiteOrNull(m.macro.recall),
      f1_macro: finiteOrNull(m.macro.f1),
      precision_weighted: finiteOrNull(m.weighted.precision),
      recall_weighted: finiteOrNull(m.weighted.recall),
      f1_weighted: finiteOrNull(m.weighted.f1),
      log_loss: scored > 0 ? Number(l?.ll) / scored : null,
    });
  }
  return out;
}

async function regressionMetrics(store: Store, rows: string, bucket: string): Promise<Buckets> {
  const res = await store.query<{
    b: number;
    n: number;
    labeled: number;
    nu: number;
    abs: number;
    sq: number;
    err: number;
    ape: number;
    n_ape: number;
    sy: number;
    syy: number;
  }>(
    `SELECT b, count() AS n, countIf(labeled) AS labeled, countIf(u) AS nu, sumIf(abs(e), u) AS abs,
            sumIf(e * e, u) AS sq, sumIf(e, u) AS err, sumIf(abs(e) / abs(y), u AND y != 0) AS ape,
            countIf(u AND y != 0) AS n_ape, sumIf(y, u) AS sy, sumIf(y * y, u) AS syy
     FROM (SELECT ${bucket} AS b, labeled, labeled AND isNotNull(y_value) AND isNotNull(pred_value) AS u,
                  ifNull(y_value, 0) AS y, ifNull(pred_value, 0) - y AS e
           FROM (${rows}))
     GROUP BY b`,
  );
  const out: Buckets = new Map();
  for (const r of res) {
    const n = Number(r.nu);
    const volume = { count: Number(r.n), labeled: Number(r.labeled) };
    if (n === 0) {
      out.set(Number(r.b), { ...volume, metrics: {} });
      continue;
    }
    const sst = Number(r.syy) - (Number(r.sy) * Number(r.sy)) / n;
    out.set(Number(r.b), {
      ...volume,
      metrics: {
        mae: Number(r.abs) / n,
        rmse: Math.sqrt(Number(r.sq) / n),
        mape: Number(r.n_ape) > 0 ? Number(r.ape) / Number(r.n_ape) : null,
        r2: sst > 0 ? 1 - Number(r.sq) / sst : null,
        bias: Number(r.err) / n,
      },
    });
  }
  return out;
}

/**
 * rankingPerQuery is one row per ranking of `rows` with its key `keySql` (as b), whether it is
 * labelled and judged (u), and its ndcg@K, ap@K (as map@K averages it), reciprocal rank and
 * recall@K. ClickHouse 18.16 lambdas cannot see other columns, so the judgements ride into
 * arrayMap as replicated arguments.
 */
export function rankingPerQuery(rows: string, keySql: string): string {
  return `SELECT b, labeled, u, grades, hits, relevant,
              arraySum(arrayMap((g, i) -> g / log2(i + 1), arraySlice(grades, 1, ${K}), arrayEnumerate(arraySlice(grades, 1, ${K})))) AS dcg,
              arraySum(arrayMap((g, i) -> g / log2(i + 1), ideal, arrayEnumerate(ideal))) AS idcg,
              if(idcg > 0, dcg / idcg, 0) AS ndcg,
              if(relevant > 0, arraySum(arrayMap((h, c, i) -> h * c / i, arraySlice(hits, 1, ${K}),
                 arrayCumSum(arraySlice(hits, 1, ${K})), arrayEnumerate(arraySlice(hits, 1, ${K})))) / least(${K}, relevant), 0) AS ap,
              if(arrayFirstIndex(h -> h = 1, hits) > 0, 1 / arrayFirstIndex(h -> h = 1, hits), 0) AS rr,
              if(relevant > 0, arraySum(arraySlice(hits, 1, ${K})) / relevant, 0) AS rec
       FROM (
         SELECT ${keySql} AS b, labeled, labeled AND notEmpty(y_rel_keys) AS u,
                arrayMap((item, ks, vs) -> vs[indexOf(ks, item)], pred_ranking,
                         replicate(y_rel_keys, pred_ranking), replicate(y_rel_values, pred_ranking)) AS grades,
                arrayMap(g -> toUInt8(g > 0), grades) AS hits,
                arrayCount(g -> g > 0, y_rel_values) AS relevant,
                arraySlice(arrayReverseSort(arrayFilter(g -> g > 0, y_rel_values)), 1, ${K}) AS ideal
         FROM (${rows}))`;
}

async function rankingMetrics(store: Store, rows: string, bucket: string): Promise<Buckets> {
  const res = await store.query<{
    b: number;
    n: number;
    labeled: number;
    nu: number;
    ndcg: number;
    map: number;
    mrr: number;
    recall: number;
  }>(
    `SELECT b, count() AS n, countIf(labeled) AS labeled, countIf(u) AS nu, avgIf(ndcg, u) AS ndcg,
            avgIf(ap, u) AS map, avgIf(rr, u) AS mrr, avgIf(rec, u) AS recall
     FROM (${rankingPerQuery(rows, bucket)})
     GROUP BY b`,
  );
  const out: Buckets = new Map();
  for (const r of res) {
    const volume = { count: Number(r.n), labeled: Number(r.labeled) };
    out.set(Number(r.b), {
      ...volume,
      metrics:
        Number(r.nu) === 0
          ? {}
          : {
              [`ndcg@${K}`]: Number(r.ndcg),
              [`map@${K}`]: Number(r.map),
              mrr: Number(r.mrr),
              [`recall@${K}`]: Number(r.recall),
            },
    });
  }
  return out;
}

function groupBy<T>(rows: readonly T[], key: (r: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
