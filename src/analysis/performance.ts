import {
  averagePrecisionFromScoreCounts,
  metricsFromConfusion,
  multiclassMetrics,
  rocAucFromScoreCounts,
} from '../core/index.js';
import { TIME_BUCKET_MS } from '../shared/index.js';
import {
  binaryBuckets,
  multiclassBuckets,
  RANKING_K,
  rankingBuckets,
  regressionBuckets,
  type Store,
  type RecordWindow as Window,
} from '../store/index.js';
import { measureForecastPerformance } from './forecast-performance.js';
import type { ModelConfig, Task } from './models.js';

export type Granularity = 'hour' | 'day' | 'all';
/** 'all' is one bucket for the whole window (offline reports), starting at the epoch. */
export const GRANULARITY_MS: Record<Granularity, number> = TIME_BUCKET_MS;

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
  /** config of the model (a forecaster's declared `season`). */
  config?: ModelConfig | undefined;
}

export interface PerformanceBucket {
  start: string;
  count: number;
  labeled: number;
  metrics: Record<string, number | null>;
  estimated: Record<string, number | null> | null;
}

/** K is the cut-off of the ranking metrics reported (ndcg@10, map@10, recall@10). */
export const K = RANKING_K;

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

/** measurePerformance computes metrics per time bucket inside ClickHouse, by task. */
export async function measurePerformance(
  store: Store,
  opts: PerformanceOptions,
): Promise<PerformanceBucket[]> {
  // A forecaster's buckets are by target time, every horizon pooled (by horizon: see
  // measureForecastPerformance).
  if (opts.task === 'forecast')
    return (await measureForecastPerformance(store, { ...opts, config: opts.config ?? {} })).series;
  // One query per task: the join of records and actuals is the costly part, so each task's
  // metrics and the volumes come from a single pass over it.
  const buckets = await bucketsByTask(store, opts);
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

async function bucketsByTask(store: Store, opts: PerformanceOptions): Promise<Buckets> {
  switch (opts.task) {
    case 'binary':
      return binaryMetrics(store, opts);
    case 'multiclass': {
      const { volume, pairs, losses } = await multiclassBuckets(store, opts);
      const metrics = multiclassByBucket(pairs, losses);
      return new Map(
        volume.map((v) => [
          Number(v.b),
          { count: Number(v.n), labeled: Number(v.labeled), metrics: metrics.get(Number(v.b)) ?? {} },
        ]),
      );
    }
    case 'regression':
      return regressionMetrics(store, opts);
    case 'ranking':
      return rankingMetrics(store, opts);
    case 'forecast':
      throw new Error('forecasts are measured by measureForecastPerformance');
  }
}

type BucketMetrics = Map<number, Record<string, number | null>>;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

async function binaryMetrics(store: Store, opts: PerformanceOptions): Promise<Buckets> {
  const res = await binaryBuckets(store, opts);
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

function multiclassByBucket(
  pairs: ReadonlyArray<{ b: number; y: string; yhat: string; n: number }>,
  losses: ReadonlyArray<{ b: number; scored: number; ll: number }>,
): BucketMetrics {
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

async function regressionMetrics(store: Store, opts: PerformanceOptions): Promise<Buckets> {
  const res = await regressionBuckets(store, opts);
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

async function rankingMetrics(store: Store, opts: PerformanceOptions): Promise<Buckets> {
  const res = await rankingBuckets(store, opts);
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
