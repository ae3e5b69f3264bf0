import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Alert, PerformanceResponse } from '../../api/types.js';
import { type ChartOptions, UPlotChart } from '../../components/UPlotChart.js';
import { Empty, Segmented } from '../../components/ui.js';
import {
  alertMarks,
  bars,
  COLORS,
  legendTime,
  markersPlugin,
  metricRange,
  shadePlugin,
  timeAxis,
  tzUtc,
  valueAxis,
} from '../../lib/charts.js';
import { fmtInt, fmtNum, fmtPct } from '../../lib/format.js';
import { setParams } from '../../lib/router.js';
import { type PerfColumns, perfColumns } from './performance-data.js';

export function PerformanceCharts(props: {
  model: string;
  perf: PerformanceResponse;
  metric: string;
  metrics: string[];
  stepMs: number;
  alerts: ReadonlyArray<Alert>;
}) {
  const { perf, metric, stepMs, alerts } = props;
  const cols: PerfColumns = useMemo(() => perfColumns(perf.series, metric, stepMs), [perf, metric, stepMs]);
  const sync = `perf-${props.model}`;

  const metricOpts = useMemo((): ChartOptions => {
    const series: uPlot.Series[] = [
      legendTime,
      {
        label: `${metric} (realized)`,
        stroke: COLORS.realized,
        width: 2,
        points: { show: cols.x.length <= 60, size: 5, fill: COLORS.realized },
        value: (_u, v) => fmtNum(v),
      },
    ];
    if (cols.hasEstimated)
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
      cursor: { sync: { key: sync }, drag: { x: false, y: false } },
      legend: { live: true },
      plugins: [shadePlugin(cols.awaiting, COLORS.awaiting), markersPlugin(alertMarks(alerts))],
    };
  }, [metric, cols, alerts, sync]);

  const metricData = useMemo(
    (): uPlot.AlignedData =>
      cols.hasEstimated ? [cols.x, cols.realized, cols.estimated] : [cols.x, cols.realized],
    [cols],
  );

  const volumeOpts = useMemo(
    (): ChartOptions => ({
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
      cursor: { sync: { key: sync }, drag: { x: false, y: false } },
      legend: { live: true },
      plugins: [markersPlugin(alertMarks(alerts))],
    }),
    [sync, alerts],
  );
  const volumeData = useMemo((): uPlot.AlignedData => [cols.x, cols.count, cols.labeledShare], [cols]);

  if (cols.x.length === 0)
    return (
      <Empty title="No records in this window">
        Widen the time range or pick another environment or version.
      </Empty>
    );
  const noLabels = cols.realized.every((v) => v === null) && !cols.hasEstimated;
  return (
    <div class="perf">
      <div class="toolbar">
        <Segmented
          label="metric"
          value={metric}
          options={props.metrics}
          onChange={(m) => setParams({ metric: m }, { replace: true })}
        />
        <span class="hint">
          <span class="sw sw-awaiting" /> awaiting labels
          {alerts.length > 0 ? (
            <>
              {' '}
              · <span class="sw-line warn" /> warning <span class="sw-line alert" /> alert ◇ predicted breach
            </>
          ) : null}
        </span>
      </div>
      {noLabels ? (
        <p class="note">
          No bucket in this window has labels yet, so there is nothing realized to plot; labels join by
          prediction id whenever <code>POST /v1/actuals</code> sends them.
        </p>
      ) : null}
      <UPlotChart label={`${metric} over time`} options={metricOpts} data={metricData} height={220} />
      <UPlotChart
        label="records and labeled share over time"
        options={volumeOpts}
        data={volumeData}
        height={150}
      />
    </div>
  );
}
