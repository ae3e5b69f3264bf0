import uPlot from 'uplot';
import type { Alert } from '../../../src/server/api-types.js';
import { DASH, fmtDay, fmtInt, fmtNum, fmtPct, fmtTime } from './format.js';

// Shared uPlot settings: UTC time axes (the API's clock), muted grid, compact fonts.

export const COLORS = {
  realized: '#2457c5',
  estimated: '#8b5cf6',
  volume: '#c3cad5',
  labeled: '#0f766e',
  value: '#1f2937',
  expected: '#2457c5',
  band: 'rgba(36, 87, 197, 0.12)',
  anomaly: '#d12f2f',
  change: '#b45309',
  warning: '#c27c0e',
  alert: '#d12f2f',
  resolved: '#6b7280',
  awaiting: 'rgba(148, 163, 184, 0.13)',
  event: 'rgba(209, 47, 47, 0.1)',
} as const;

const AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export const tzUtc = (ts: number) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

export function timeAxis(): uPlot.Axis {
  return {
    stroke: '#5b6370',
    font: AXIS_FONT,
    grid: { stroke: '#eef0f3', width: 1 },
    ticks: { stroke: '#e3e6eb', width: 1, size: 4 },
  };
}

/** valueAxis is a y axis; `label` is its title (every y axis has one: what it measures). */
export function valueAxis(opts: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: '#5b6370',
    font: AXIS_FONT,
    labelFont: AXIS_FONT,
    labelSize: 16,
    labelGap: 2,
    size: 52,
    grid: { stroke: '#eef0f3', width: 1 },
    ticks: { show: false },
    values: (_u, vals) => vals.map((v) => fmtNum(v, 2)),
    ...opts,
  };
}

/**
 * latestIndex is the last x index where any series has a value: the legend shows it while the
 * cursor is off the chart (instead of "—" until hovered). Null when there is no value at all.
 */
export function latestIndex(data: ReadonlyArray<ArrayLike<number | null | undefined>>): number | null {
  const x = data[0];
  if (!x) return null;
  for (let i = x.length - 1; i >= 0; i--)
    for (let s = 1; s < data.length; s++) {
      const v = data[s]?.[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) return i;
    }
  return null;
}

/**
 * realizedLegendValue is the realized metric's legend text at index `idx` (x in epoch seconds):
 * its value; in a bucket without one (labels join late, so the newest buckets usually have none)
 * the last bucket that has one, "0.910 at 14:00, labels pending since" (the time in UTC, with
 * its day when that is not the day of `idx`), "no labels since" when the bucket has no records
 * either; "—" when no bucket up to `idx` has a value. `awaiting` are [from, to) ms ranges of
 * buckets with records but no labels (PerfColumns.awaiting).
 */
export function realizedLegendValue(
  xs: ArrayLike<number>,
  ys: ArrayLike<number | null | undefined>,
  idx: number | null | undefined,
  awaiting: ReadonlyArray<readonly [number, number]>,
): string {
  if (idx === null || idx === undefined) return DASH;
  const at = ys[idx];
  if (at !== null && at !== undefined && Number.isFinite(at)) return fmtNum(at);
  let j = idx - 1;
  while (j >= 0 && !(ys[j] !== null && ys[j] !== undefined && Number.isFinite(ys[j] as number))) j--;
  if (j < 0) return DASH;
  const lastMs = (xs[j] ?? 0) * 1000;
  const hereMs = (xs[idx] ?? 0) * 1000;
  const hhmm = fmtTime(lastMs).slice(11);
  const when = fmtDay(lastMs) === fmtDay(hereMs) ? hhmm : hhmm === '00:00' ? fmtDay(lastMs) : fmtTime(lastMs);
  const pending = awaiting.some(([from, to]) => hereMs >= from && hereMs < to);
  return `${fmtNum(ys[j] as number)} at ${when}, ${pending ? 'labels pending' : 'no labels'} since`;
}

/** UNIT_METRICS are bounded by [0, 1]: their axis never leaves it. */
const UNIT_METRICS = /^(accuracy|precision|recall|f1|auc|pr_auc|brier|ece|mrr|(ndcg|map|recall)@\d+)$/;

/**
 * metricRange is the y range of a metric chart: the data's range with 10% room (5% of the value,
 * at least 0.01, when all values are equal — one record, say), inside [0, 1] for bounded metrics.
 */
export function metricRange(metric: string, lo: number | null, hi: number | null): [number, number] {
  const unit = UNIT_METRICS.test(metric);
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.1 : Math.max(Math.abs(hi) * 0.05, 0.01);
  let a = lo - pad;
  let b = hi + pad;
  if (unit) {
    a = Math.max(0, a);
    b = Math.min(1, b);
  }
  return [a, b];
}

export const legendTime: uPlot.Series = {
  label: 'time (UTC)',
  value: (_u, v) => (v === null ? '—' : fmtTime(v * 1000)),
};

/**
 * markersPlugin draws vertical lines at given times (alerts opening, change points) and, for an
 * alert with a predicted breach, a hollow diamond where the forecast says the threshold falls.
 */
export function markersPlugin(
  marks: ReadonlyArray<{ atMs: number; color: string; dashed?: boolean; diamondAtMs?: number | null }>,
): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          const dpr = uPlot.pxRatio;
          ctx.save();
          ctx.beginPath();
          ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
          ctx.clip();
          for (const m of marks) {
            const x = u.valToPos(m.atMs / 1000, 'x', true);
            if (x >= bbox.left && x <= bbox.left + bbox.width) {
              ctx.strokeStyle = m.color;
              ctx.lineWidth = 1.5 * dpr;
              ctx.setLineDash(m.dashed ? [4 * dpr, 3 * dpr] : []);
              ctx.beginPath();
              ctx.moveTo(x, bbox.top);
              ctx.lineTo(x, bbox.top + bbox.height);
              ctx.stroke();
              ctx.fillStyle = m.color;
              ctx.beginPath();
              ctx.moveTo(x - 4 * dpr, bbox.top);
              ctx.lineTo(x + 4 * dpr, bbox.top);
              ctx.lineTo(x, bbox.top + 6 * dpr);
              ctx.fill();
            }
            if (m.diamondAtMs !== undefined && m.diamondAtMs !== null) {
              const d = u.valToPos(m.diamondAtMs / 1000, 'x', true);
              const y = bbox.top + 10 * dpr;
              const r = 5 * dpr;
              ctx.setLineDash([]);
              ctx.strokeStyle = m.color;
              ctx.lineWidth = 1.5 * dpr;
              ctx.beginPath();
              ctx.moveTo(d, y - r);
              ctx.lineTo(d + r, y);
              ctx.lineTo(d, y + r);
              ctx.lineTo(d - r, y);
              ctx.closePath();
              ctx.stroke();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

export function alertMarks(alerts: ReadonlyArray<Alert>) {
  // An episode that warned before it alerted gets both marks: the lead time is the point.
  return alerts.flatMap((a) => {
    const diamondAtMs = a.predicted_breach ? Date.parse(a.predicted_breach) : null;
    if (a.warned && a.alerted)
      return [
        { atMs: Date.parse(a.warned), color: COLORS.warning, dashed: true, diamondAtMs },
        { atMs: Date.parse(a.alerted), color: COLORS.alert, dashed: false, diamondAtMs: null },
      ];
    return [
      { atMs: Date.parse(a.opened), color: COLORS[a.state], dashed: a.state === 'warning', diamondAtMs },
    ];
  });
}

/** shadePlugin fills the background of x ranges, e.g. buckets whose labels have not arrived. */
export function shadePlugin(ranges: ReadonlyArray<[number, number]>, color: string): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.fillStyle = color;
          for (const [a, b] of ranges) {
            const x0 = Math.max(bbox.left, u.valToPos(a / 1000, 'x', true));
            const x1 = Math.min(bbox.left + bbox.width, u.valToPos(b / 1000, 'x', true));
            if (x1 > x0) ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
          }
          ctx.restore();
        },
      ],
    },
  };
}

export const bars = uPlot.paths.bars?.({ size: [0.8, 24], align: 1 });

/** PerfChartOptions are uPlot options without a size (the chart component measures its box). */
export type PerfChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/**
 * metricChartOptions builds the model page's metric chart: the realized metric (and the
 * label-free estimate when there is one) over time; its y axis is titled with the metric.
 */
export function metricChartOptions(o: {
  metric: string;
  hasEstimated: boolean;
  points: number;
  awaiting: ReadonlyArray<[number, number]>;
  alerts: ReadonlyArray<Alert>;
  sync: string;
}): PerfChartOptions {
  const { metric } = o;
  const series: uPlot.Series[] = [
    legendTime,
    {
      label: `${metric} (realized)`,
      stroke: COLORS.realized,
      width: 2,
      points: { show: o.points <= 60, size: 5, fill: COLORS.realized },
      // A bucket without labels shows the last one with them, not "—".
      value: (u, v, s, idx) =>
        v === null || v === undefined
          ? realizedLegendValue(u.data[0], u.data[s] as ArrayLike<number | null>, idx, o.awaiting)
          : fmtNum(v),
    },
  ];
  if (o.hasEstimated)
    series.push({
      label: `${metric} (estimated, label-free)`,
      stroke: COLORS.estimated,
      width: 2,
      dash: [6, 4],
      value: (_u, v) => fmtNum(v),
    });
  return {
    tzDate: tzUtc,
    series,
    axes: [timeAxis(), valueAxis({ label: metric })],
    scales: { x: { time: true }, y: { range: (_u, lo, hi) => metricRange(metric, lo, hi) } },
    cursor: { sync: { key: o.sync }, drag: { x: false, y: false } },
    legend: { live: true },
    plugins: [shadePlugin(o.awaiting, COLORS.awaiting), markersPlugin(alertMarks(o.alerts))],
  };
}

/**
 * volumeChartOptions builds the model page's volume chart: records per bucket (bars, left axis
 * titled "records") and the labeled share (line, right axis titled "labeled share").
 */
export function volumeChartOptions(o: { alerts: ReadonlyArray<Alert>; sync: string }): PerfChartOptions {
  return {
    tzDate: tzUtc,
    series: [
      legendTime,
      {
        label: 'records',
        stroke: COLORS.volume,
        fill: COLORS.volume,
        paths: bars,
        scale: 'n',
        value: (_u, v) => fmtInt(v),
      },
      {
        label: 'labeled share',
        stroke: COLORS.labeled,
        width: 2,
        scale: 'share',
        value: (_u, v) => fmtPct(v),
      },
    ],
    axes: [
      timeAxis(),
      valueAxis({ scale: 'n', label: 'records', values: (_u, vals) => vals.map((v) => fmtInt(v)) }),
      valueAxis({
        scale: 'share',
        label: 'labeled share',
        side: 1,
        grid: { show: false },
        values: (_u, vals) => vals.map((v) => fmtPct(v, 0)),
      }),
    ],
    scales: {
      x: { time: true },
      n: { range: (_u, _lo, hi) => [0, Math.max(1, hi) * 1.08] },
      share: { range: [0, 1.05] },
    },
    cursor: { sync: { key: o.sync }, drag: { x: false, y: false } },
    legend: { live: true },
    plugins: [markersPlugin(alertMarks(o.alerts))],
  };
}
