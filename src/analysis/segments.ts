import { metricsFromConfusion } from '../core/index.js';
import { num, type Store, str, type TableName } from '../store/index.js';
import type { Task } from './models.js';
import { joinedRows } from './performance.js';
import { type Window, windowWhere } from './windows.js';

/** SegmentAggregate is one value of a segmenting tag, as ClickHouse counts it. */
export interface SegmentAggregate {
  value: string;
  baselineCount: number;
  currentCount: number;
  labeled: number;
  confusion: { tp: number; fp: number; tn: number; fn: number } | null;
  metrics: Record<string, number | null>;
}

/**
 * segmentedRecords is `store` with its records table replaced by the window's records (read
 * FINAL) whose tags are one value: the segment, `valueSql` evaluated on the record. The join
 * of predictions and actuals (joinedRows) carries tags but not features, so a feature's segment
 * rides through it as the first tag value; the view holds every column joinedRows reads.
 */
function segmentedRecords(store: Store, valueSql: string, project: string, model: string, w: Window): Store {
  const view = `(SELECT project, model, environment, version, id, ts, ['segment'] AS tag_keys,
      [${valueSql}] AS tag_values, pred_label, pred_score, pred_value, pred_class_keys, pred_class_scores,
      pred_ranking, act_label, act_value, act_rel_keys, act_rel_values, has_actual
    FROM ${store.table('records')} FINAL WHERE ${windowWhere(project, model, w)})`;
  return new Proxy(store, {
    get(target, key) {
      if (key === 'table') return (name: TableName) => (name === 'records' ? view : target.table(name));
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** NO_VALUE names records that do not carry the tag. */
export const NO_VALUE = '(none)';

/**
 * aggregateSegments counts a tag's values in the baseline and the current window and, for the
 * current window's labelled predictions, the confusion counts (binary) or errors (regression)
 * per value — everything grouped inside ClickHouse.
 */
export async function aggregateSegments(
  store: Store,
  opts: {
    project: string;
    model: string;
    task: Task;
    tag: string;
    /**
     * valueSql, when given, is the segment of a record as SQL over its columns (a bucketed
     * feature: segments-feature.ts) instead of the tag `tag`'s value.
     */
    valueSql?: string | undefined;
    baseline: Window;
    current: Window;
    positiveLabel?: string | undefined;
    threshold?: number | undefined;
  },
): Promise<SegmentAggregate[]> {
  const tagValue =
    opts.valueSql ??
    `if(has(tag_keys, ${str(opts.tag)}), tag_values[indexOf(tag_keys, ${str(opts.tag)})], ${str(NO_VALUE)})`;
  const baseline = await store.query<{ v: string; n: number }>(
    `SELECT ${tagValue} AS v, count() AS n FROM ${store.table('records')} FINAL
     WHERE ${windowWhere(opts.project, opts.model, opts.baseline)} GROUP BY v`,
  );
  const rows =
    opts.valueSql === undefined
      ? joinedRows(store, { ...opts, window: opts.current, granularity: 'all' })
      : joinedRows(segmentedRecords(store, opts.valueSql, opts.project, opts.model, opts.current), {
          ...opts,
          window: { ...opts.current, final: false },
          granularity: 'all',
        });
  const positive = str(opts.positiveLabel ?? '1');
  const threshold = num(opts.threshold ?? 0.5);
  const current = await store.query<{
    v: string;
    n: number;
    n_labeled: number;
    tp: number;
    fp: number;
    tn: number;
    fn: number;
    mae: number | null;
    rmse: number | null;
    acc: number | null;
  }>(
    `SELECT v, count() AS n, countIf(labeled AND usable) AS n_labeled,
            countIf(usable AND y = 1 AND yhat = 1) AS tp, countIf(usable AND y = 0 AND yhat = 1) AS fp,
            countIf(usable AND y = 0 AND yhat = 0) AS tn, countIf(usable AND y = 1 AND yhat = 0) AS fn,
            avgIf(abs(err), isNotNull(err)) AS mae, sqrt(avgIf(err * err, isNotNull(err))) AS rmse,
            avgIf(toFloat64(same), labeled AND isNotNull(y_label)) AS acc
     FROM (SELECT ${opts.valueSql === undefined ? tagValue : 'tag_values[1]'} AS v, labeled, y_label,
                  labeled AND isNotNull(y_label) AND (isNotNull(pred_score) OR isNotNull(pred_label)) AS usable,
                  toUInt8(ifNull(y_label, '') = ${positive}) AS y,
                  if(isNull(pred_score), toUInt8(ifNull(pred_label, '') = ${positive}), toUInt8(assumeNotNull(pred_score) >= ${threshold})) AS yhat,
                  if(labeled AND isNotNull(y_value) AND isNotNull(pred_value), assumeNotNull(pred_value) - assumeNotNull(y_value), NULL) AS err,
                  toUInt8(ifNull(pred_label, '') = ifNull(y_label, '')) AS same
           FROM (${rows}))
     GROUP BY v`,
  );
  const base = new Map(baseline.map((b) => [b.v, Number(b.n)]));
  const values = new Set([...base.keys(), ...current.map((c) => c.v)]);
  const cur = new Map(current.map((c) => [c.v, c]));
  return [...values].sort().map((value) => {
    const c = cur.get(value);
    const confusion =
      opts.task === 'binary' && c
        ? { tp: Number(c.tp), fp: Number(c.fp), tn: Number(c.tn), fn: Number(c.fn) }
        : null;
    let metrics: Record<string, number | null> = {};
    if (confusion && Number(c?.n_labeled) > 0) {
      const m = metricsFromConfusion(confusion);
      metrics = { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
    } else if (opts.task === 'regression' && c && Number(c.n_labeled) > 0)
      metrics = { mae: c.mae, rmse: c.rmse };
    else if (opts.task === 'multiclass' && c && Number(c.n_labeled) > 0) metrics = { accuracy: c.acc };
    return {
      value,
      baselineCount: base.get(value) ?? 0,
      currentCount: Number(c?.n ?? 0),
      labeled: Number(c?.n_labeled ?? 0),
      confusion,
      metrics,
    };
  });
}
