import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { Alert, PerformanceResponse } from '../../../../src/server/api-types.js';
import { type ChartOptions, UPlotChart } from '../../components/UPlotChart.js';
import { Empty, Segmented } from '../../components/ui.js';
import { metricChartOptions, volumeChartOptions } from '../../lib/charts.js';
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

  const metricOpts = useMemo(
    (): ChartOptions =>
      metricChartOptions({
        metric,
        hasEstimated: cols.hasEstimated,
        points: cols.x.length,
        awaiting: cols.awaiting,
        alerts,
        sync,
      }),
    [metric, cols, alerts, sync],
  );

  const metricData = useMemo(
    (): uPlot.AlignedData =>
      cols.hasEstimated ? [cols.x, cols.realized, cols.estimated] : [cols.x, cols.realized],
    [cols],
  );

  const volumeOpts = useMemo((): ChartOptions => volumeChartOptions({ alerts, sync }), [sync, alerts]);
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
