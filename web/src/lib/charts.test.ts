import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import {
  latestIndex,
  metricChartOptions,
  metricRange,
  realizedLegendValue,
  volumeChartOptions,
} from './charts.js';

describe('latestIndex (the legend shows the latest values until hovered)', () => {
  it('is the last x where any series has a value', () => {
    expect(
      latestIndex([
        [1, 2, 3, 4],
        [0.5, 0.6, null, null],
        [null, 7, 8, null],
      ]),
    ).toBe(2);
    expect(
      latestIndex([
        [1, 2],
        [null, Number.NaN],
      ]),
    ).toBeNull();
    expect(latestIndex([[]])).toBeNull();
  });
});

describe('the realized legend in a bucket without labels shows the last bucket with them, not "—"', () => {
  const H = 3600;
  const t0 = Date.UTC(2026, 11, 7, 12) / 1000; // 2026-12-07 12:00 UTC
  const xs = [t0, t0 + H, t0 + 2 * H, t0 + 3 * H];
  const ys = [0.88, 0.91, null, null];
  // The last two hours have records whose labels have not arrived.
  const awaiting: Array<[number, number]> = [[(t0 + 2 * H) * 1000, (t0 + 4 * H) * 1000]];

  it('gives the last labelled value and its time, labels pending since', () => {
    expect(realizedLegendValue(xs, ys, 3, awaiting)).toBe('0.910 at 13:00, labels pending since');
    expect(realizedLegendValue(xs, ys, 1, awaiting)).toBe('0.910');
    expect(realizedLegendValue(xs, [null, null, null, null], 3, awaiting)).toBe('—');
    expect(realizedLegendValue(xs, ys, null, awaiting)).toBe('—');
    // A bucket without records either; a last value on an earlier day names its day.
    expect(realizedLegendValue(xs, ys, 3, [])).toBe('0.910 at 13:00, no labels since');
    const days = [t0 - 86_400, t0];
    expect(realizedLegendValue(days, [0.9, null], 1, awaiting)).toBe(
      '0.900 at 2026-12-06 12:00, no labels since',
    );
  });

  it("is what the metric chart's realized series shows", () => {
    const opts = metricChartOptions({
      metric: 'accuracy',
      hasEstimated: true,
      points: 4,
      awaiting,
      alerts: [],
      sync: 's',
    });
    const value = opts.series[1]?.value as (
      u: uPlot,
      v: number | null,
      s: number,
      i: number | null,
    ) => string;
    const u = { data: [xs, ys, [0.9, 0.9, 0.89, 0.87]] } as unknown as uPlot;
    expect(value(u, null, 1, 3)).toBe('0.910 at 13:00, labels pending since');
    expect(value(u, 0.88, 1, 0)).toBe('0.880');
  });
});

describe('metricRange', () => {
  it('gives one record a tight range around its value, inside [0, 1] for bounded metrics (not 0 to 100)', () => {
    const [lo, hi] = metricRange('accuracy', 0, 0);
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(0.05);
    const [a, b] = metricRange('accuracy', 1, 1);
    expect(b).toBe(1);
    expect(a).toBeGreaterThanOrEqual(0.9);
    expect(metricRange('ndcg@10', 0.2, 0.9)[1]).toBeLessThanOrEqual(1);
  });
  it('pads unbounded metrics by 10% of their spread', () => {
    expect(metricRange('mae', 10, 20)).toEqual([9, 21]);
    const [lo, hi] = metricRange('rmse', 42, 42);
    expect(lo).toBeLessThan(42);
    expect(hi).toBeGreaterThan(42);
    expect(metricRange('mae', null, null)).toEqual([0, 1]);
  });
});

describe('every y axis of the model page has a title (issue 13, item 11)', () => {
  // The charts the model page draws: the metric chart (with and without the label-free
  // estimate, for each kind of metric) and the volume chart (records and labeled share).
  const yAxesOf = (opts: { axes?: uPlot.Axis[] | undefined }) => (opts.axes ?? []).slice(1);
  const charts: Array<[string, { axes?: uPlot.Axis[] | undefined }, string[]]> = [
    ...['accuracy', 'auc', 'rmse', 'ndcg@10'].flatMap((metric) =>
      [false, true].map((hasEstimated): [string, { axes?: uPlot.Axis[] | undefined }, string[]] => [
        `metric chart (${metric}${hasEstimated ? ', estimated' : ''})`,
        metricChartOptions({ metric, hasEstimated, points: 10, awaiting: [], alerts: [], sync: 's' }),
        [metric],
      ]),
    ),
    ['volume chart', volumeChartOptions({ alerts: [], sync: 's' }), ['records', 'labeled share']],
  ];

  it.each(charts)('%s: each y axis is titled with what it measures', (_name, opts, titles) => {
    const y = yAxesOf(opts);
    expect(y.length).toBeGreaterThan(0);
    expect(y.map((a) => a.label)).toEqual(titles);
    for (const a of y) expect(typeof a.label === 'string' && a.label.trim().length > 0).toBe(true);
    // The axis keeps room for its title.
    for (const a of y) expect(a.labelSize).toBeGreaterThan(0);
  });

  it('the x axis is time, and every series but time is drawn on a titled y axis', () => {
    for (const [, opts] of charts) {
      const o = opts as { axes?: uPlot.Axis[]; series?: uPlot.Series[] };
      const titled = new Set(yAxesOf(o).map((a) => a.scale ?? 'y'));
      for (const s of (o.series ?? []).slice(1)) expect(titled.has(s.scale ?? 'y')).toBe(true);
    }
  });
});
