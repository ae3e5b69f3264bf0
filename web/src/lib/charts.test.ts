import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { latestIndex, metricChartOptions, metricRange, volumeChartOptions } from './charts.js';

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
