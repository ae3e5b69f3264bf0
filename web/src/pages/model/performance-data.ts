import type { PerformanceBucket, Task } from '../../../../src/server/api-types.js';

// Turns the performance response into aligned, gap-filled columns for the charts.

/** Confusion counts ride along with the binary metrics; they are not metrics to plot. */
const NOT_METRICS = new Set(['tp', 'fp', 'tn', 'fn']);

const PREFERRED: Record<Task, string[]> = {
  binary: ['accuracy', 'auc', 'f1', 'precision', 'recall', 'pr_auc', 'log_loss', 'brier', 'ece'],
  multiclass: ['accuracy', 'f1_macro', 'f1', 'log_loss'],
  regression: ['mae', 'rmse', 'mape', 'r2'],
  ranking: ['ndcg@10', 'map@10', 'mrr', 'recall@10'],
  forecast: ['mase', 'mae', 'rmse', 'smape', 'mape', 'bias', 'coverage', 'width', 'pinball'],
};

/** LOWER_IS_BETTER names the metrics whose rise is bad news (for the KPI arrows and copy). */
export const LOWER_IS_BETTER = new Set([
  'log_loss',
  'brier',
  'ece',
  'mae',
  'rmse',
  'mape',
  'smape',
  'mase',
  'width',
  'pinball',
]);

export function metricNames(task: Task, series: ReadonlyArray<PerformanceBucket>): string[] {
  const seen = new Set<string>();
  for (const b of series) {
    for (const k of Object.keys(b.metrics)) if (!NOT_METRICS.has(k)) seen.add(k);
    for (const k of Object.keys(b.estimated ?? {})) if (!NOT_METRICS.has(k)) seen.add(k);
  }
  const pref = PREFERRED[task].filter((k) => seen.has(k));
  return [...pref, ...[...seen].filter((k) => !pref.includes(k)).sort()];
}

export interface PerfColumns {
  /** bucket starts, epoch seconds (uPlot's unit). */
  x: number[];
  count: number[];
  labeled: number[];
  labeledShare: Array<number | null>;
  realized: Array<number | null>;
  estimated: Array<number | null>;
  hasEstimated: boolean;
  /** awaiting are [from, to] ms ranges of buckets with records but no labels yet. */
  awaiting: Array<[number, number]>;
}

export function perfColumns(
  series: ReadonlyArray<PerformanceBucket>,
  metric: string,
  stepMs: number,
): PerfColumns {
  const byStart = new Map(series.map((b) => [Date.parse(b.start), b]));
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  const cols: PerfColumns = {
    x: [],
    count: [],
    labeled: [],
    labeledShare: [],
    realized: [],
    estimated: [],
    hasEstimated: false,
    awaiting: [],
  };
  if (starts.length === 0) return cols;
  const first = starts[0]!;
  const last = starts[starts.length - 1]!;
  for (let t = first; t <= last; t += stepMs) {
    const b = byStart.get(t);
    cols.x.push(t / 1000);
    cols.count.push(b?.count ?? 0);
    cols.labeled.push(b?.labeled ?? 0);
    cols.labeledShare.push(b && b.count > 0 ? b.labeled / b.count : null);
    const r = b?.metrics[metric];
    cols.realized.push(typeof r === 'number' && Number.isFinite(r) ? r : null);
    const e = b?.estimated?.[metric];
    const est = typeof e === 'number' && Number.isFinite(e) ? e : null;
    if (est !== null) cols.hasEstimated = true;
    cols.estimated.push(est);
    if (b && b.count > 0 && b.labeled === 0) {
      const prev = cols.awaiting[cols.awaiting.length - 1];
      if (prev && prev[1] === t) prev[1] = t + stepMs;
      else cols.awaiting.push([t, t + stepMs]);
    }
  }
  return cols;
}

/** latest is the newest non-null value and its bucket. */
export function latest(
  x: ReadonlyArray<number>,
  ys: ReadonlyArray<number | null>,
): { value: number; atMs: number } | null {
  for (let i = ys.length - 1; i >= 0; i--) {
    const v = ys[i];
    if (v !== null && v !== undefined) return { value: v, atMs: (x[i] ?? 0) * 1000 };
  }
  return null;
}
