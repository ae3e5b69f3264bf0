import { useEffect, useMemo } from 'preact/hooks';
import type {
  AlertsResponse,
  DriftBucketsResponse,
  DriftResponse,
  ModelDetail,
  PerformanceResponse,
  RejectedResponse,
  SegmentsResponse,
} from '../../../../src/server/api-types.js';
import { type ApiState, useApi, useCapabilities } from '../../api/use-api.js';
import { TimeRangePicker } from '../../components/TimeRangePicker.js';
import {
  Empty,
  Kpi,
  Loading,
  Panel,
  Pending,
  Segmented,
  Select,
  StatusBadge,
  Tag,
} from '../../components/ui.js';
import { fmtCompact, fmtInt, fmtNum, fmtPct, fmtTime } from '../../lib/format.js';
import { usePageReady } from '../../lib/page-ready.js';
import { href, setParams } from '../../lib/router.js';
import { columnsFor } from '../../lib/time-range.js';
import { DriftPanel } from './DriftPanel.js';
import { DRIFT_ROUTE, heatColumns } from './drift-data.js';
import { ExplainPanel } from './ExplainPanel.js';
import { HorizonHeatmap } from './HorizonHeatmap.js';
import { ModelAlerts } from './ModelAlerts.js';
import { modelView, prefetch, qualityRequestOf, roundedNow, SEGMENTS_ROUTE } from './model-view.js';
import { PerformanceCharts } from './PerformancePanel.js';
import { LOWER_IS_BETTER, latest, metricNames, perfColumns } from './performance-data.js';
import { QualityPanel } from './QualityPanel.js';
import { SegmentsPanelBody } from './SegmentsPanel.js';

export function ModelPage({ model, params }: { model: string; params: URLSearchParams }) {
  const detail = useApi<ModelDetail>({
    path: `v1/models/${encodeURIComponent(model)}`,
    route: 'GET /v1/models/{model}',
  });
  const caps = useCapabilities();
  const qs = params.toString();
  // The clock is read again when the URL changes, not on every render.
  const nowMs = useMemo(roundedNow, [qs]);
  const loading = detail.status === 'loading';
  // Start the page's queries alongside the model's own rather than after it (see modelView).
  useEffect(() => {
    if (caps && loading) prefetch(modelView(model, params, null, nowMs), caps.has, caps.queryParams);
  }, [caps, loading, model, qs, nowMs]);
  if (detail.status === 'loading') return <Loading what={model} />;
  if (detail.status === 'error' && detail.error.status === 404)
    return (
      <Empty title={`No model named “${model}”`}>
        <a href="#/">See every model</a>
      </Empty>
    );
  return (
    <Pending state={detail} what={model}>
      {(d) => <ModelBody detail={d} params={params} nowMs={nowMs} />}
    </Pending>
  );
}

function ModelBody({
  detail,
  params,
  nowMs,
}: {
  detail: ModelDetail;
  params: URLSearchParams;
  nowMs: number;
}) {
  const model = detail.model;
  const view = modelView(model, params, detail, nowMs);
  const { env, version, baseline, by, range, g, stepMs, lo, hi } = view;
  const envs = Object.keys(detail.environments);
  const vol = detail.environments[env];

  const perf = useApi<PerformanceResponse>(view.requests.perf);
  const alerts = useApi<AlertsResponse>(view.requests.alerts);
  const rejected = useApi<RejectedResponse>(view.requests.rejected);
  const drift = useApi<DriftResponse>(view.requests.drift);
  // An empty baseline makes every drift number meaningless, not zero.
  const noBaseline = drift.status === 'ok' && (drift.data.baseline.records ?? 1) === 0;
  // The route needs a tag; without one the panel asks for it (no request, nothing to wait for).
  const segments = useApi<SegmentsResponse>(view.requests.segments);
  const caps = useCapabilities();
  const segmentsState: ApiState<SegmentsResponse> =
    caps && !caps.has(SEGMENTS_ROUTE) ? { status: 'unavailable', route: SEGMENTS_ROUTE } : segments;
  // The heatmap is one granular drift request, asked alongside the rest, when the server has it;
  // null while the route list is unknown, false for a server that needs one request per column.
  const granular =
    caps === null ? null : caps.has(DRIFT_ROUTE) && caps.queryParams(DRIFT_ROUTE).has('granularity');
  const heat = useApi<DriftBucketsResponse>(granular ? view.requests.heat : null);

  const series = perf.status === 'ok' ? perf.data.series : null;
  const task = perf.status === 'ok' ? perf.data.task : (detail.task ?? 'binary');
  const metrics = useMemo(() => (series ? metricNames(task, series) : []), [series, task]);
  const metricParam = params.get('metric');
  const metric = metricParam && metrics.includes(metricParam) ? metricParam : (metrics[0] ?? '');
  const cols = useMemo(() => (series ? perfColumns(series, metric, stepMs) : null), [series, metric, stepMs]);
  const heatCols = useMemo(
    () => (granular === false ? columnsFor(lo, hi) : heatColumns(lo, hi, view.heat.stepMs)),
    [lo, hi, granular, view.heat.stepMs],
  );
  const alertList = alerts.status === 'ok' ? alerts.data.alerts : [];
  const open = alertList.filter((a) => a.state !== 'resolved');

  usePageReady('model-performance', perf.status !== 'loading', { attribute: false });
  // The page is ready when every panel has drawn, the heatmap included when one request draws it.
  usePageReady(
    'model',
    granular !== null &&
      [perf, alerts, rejected, drift].every((s) => s.status !== 'loading') &&
      (by === '' || segments.status !== 'loading') &&
      (!granular || heat.status !== 'loading'),
  );

  const realized = cols ? latest(cols.x, cols.realized) : null;
  const estimated = cols?.hasEstimated ? latest(cols.x, cols.estimated) : null;
  const windowRecords = cols ? cols.count.reduce((s, c) => s + c, 0) : null;
  const windowLabeled = cols ? cols.labeled.reduce((s, c) => s + c, 0) : null;

  return (
    <div class="page">
      <div class="page-head">
        <div class="title-row">
          <a href="#/" class="crumb">
            Models
          </a>
          <span class="crumb-sep">/</span>
          <h1>{model}</h1>
          <StatusBadge status={detail.status} />
          {detail.task ? <Tag>{detail.task}</Tag> : null}
          <span class="muted">
            {vol ? `${env}: ${fmtTime(vol.first)} → ${fmtTime(vol.last)} UTC` : `no ${env} records`}
          </span>
          {detail.versions.length >= 2 ? <a href={href(['compare', model])}>compare versions</a> : null}
        </div>
        <div class="controls">
          <Select
            label="environment"
            value={env}
            options={envs.length > 0 ? envs : ['production']}
            onChange={(v) => setParams({ env: v })}
          />
          <Select
            label="version"
            value={version}
            options={[
              { value: '', label: 'all versions' },
              ...detail.versions.map((v) => ({ value: v, label: v })),
            ]}
            onChange={(v) => setParams({ version: v })}
          />
          <Select
            label="drift baseline"
            value={baseline}
            options={[
              ...new Set(['training', ...envs.filter((e) => e === 'validation'), 'first-week', baseline]),
            ].map((b) => ({ value: b, label: b === 'first-week' ? `${env}, first 7 days` : b }))}
            onChange={(v) => setParams({ baseline: v })}
          />
          <TimeRangePicker range={range} />
          <Segmented
            label="granularity"
            value={g}
            options={['hour', 'day']}
            onChange={(v) => setParams({ g: v })}
          />
        </div>
      </div>

      <div class="kpis">
        <Kpi
          label={`records · ${range.label}`}
          value={fmtCompact(windowRecords)}
          hint={fmtInt(windowRecords)}
        />
        <Kpi
          label="labeled"
          value={fmtPct(windowRecords ? (windowLabeled ?? 0) / windowRecords : null)}
          hint="records whose actual has arrived"
        />
        <Kpi
          label={`${metric || 'metric'} · latest labeled`}
          value={realized ? fmtNum(realized.value) : '—'}
          hint={
            realized
              ? `bucket ${fmtTime(realized.atMs)}${LOWER_IS_BETTER.has(metric) ? ' (lower is better)' : ''}`
              : ''
          }
        />
        <Kpi
          label={`${metric || 'metric'} · estimated`}
          value={estimated ? fmtNum(estimated.value) : '—'}
          hint={estimated ? `bucket ${fmtTime(estimated.atMs)}` : 'no label-free estimate in this response'}
        />
        <Kpi
          label="drifted features"
          value={drift.status === 'ok' && !noBaseline ? fmtPct(drift.data.drifted_share, 0) : '—'}
          tone={drift.status === 'ok' && !noBaseline && drift.data.dataset_drift ? 'alert' : undefined}
          hint={
            drift.status === 'unavailable'
              ? `${DRIFT_ROUTE} not served yet`
              : 'share of features the drift test flags'
          }
        />
        <Kpi
          label="open alerts"
          value={alerts.status === 'ok' ? fmtInt(open.length) : '—'}
          tone={open.some((a) => a.state === 'alert') ? 'alert' : open.length > 0 ? 'warning' : undefined}
          hint={alerts.status === 'unavailable' ? 'GET /v1/alerts not served yet' : ''}
        />
      </div>

      <Panel
        title="Performance"
        id="performance"
        sub={`${metric ? `${metric}, ` : ''}realized on labeled records${cols?.hasEstimated ? ' and estimated without labels' : ''}, per ${g} (UTC)`}
      >
        <Pending state={perf} what="performance">
          {(p) =>
            p.series.length === 0 ? (
              <Empty title="No records in this window">
                Widen the time range or pick another environment or version.
              </Empty>
            ) : (
              <PerformanceCharts
                model={model}
                perf={p}
                metric={metric}
                metrics={metrics}
                stepMs={stepMs}
                alerts={alertList}
              />
            )
          }
        </Pending>
      </Panel>

      {perf.status === 'ok' && perf.data.horizons ? (
        <Panel
          title="Forecast horizons"
          id="horizons"
          sub={`horizon × target time; colour is MASE against the seasonal naive forecast, per ${g} (UTC)`}
        >
          {perf.data.horizons.length === 0 ? (
            <Empty title="No forecasts in this window">Widen the time range.</Empty>
          ) : (
            <HorizonHeatmap horizons={perf.data.horizons} stepMs={stepMs} />
          )}
        </Panel>
      ) : null}

      <Panel
        title="Drift"
        id="drift"
        sub="features × time; colour is PSI against the baseline; click a cell for its distributions"
      >
        <DriftPanel
          model={model}
          base={{ environment: env, version, ...view.baselineParams }}
          baselineLabel={view.baselineLabel}
          noBaseline={noBaseline}
          overall={drift}
          heat={granular === false ? null : heat}
          cols={heatCols}
          start={perf.status !== 'loading' && drift.status !== 'loading'}
          feature={params.get('feature')}
          at={params.get('at')}
        />
      </Panel>

      <div class="two-col">
        <Panel title="Data quality" id="quality" sub="volume, labels, rejected rows, values">
          {perf.status === 'loading' ? (
            <Loading what="data quality" />
          ) : (
            <QualityPanel
              request={qualityRequestOf(model, view)}
              cols={cols}
              stepMs={stepMs}
              rejected={rejected}
              drift={drift}
            />
          )}
        </Panel>
        <Panel
          title="Alerts"
          id="alerts"
          actions={
            alerts.status === 'ok' ? (
              <a href={href(['alerts'], { model })} class="link-small">
                all alerts →
              </a>
            ) : null
          }
        >
          <Pending state={alerts} what="alerts">
            {(a) => <ModelAlerts model={model} alerts={a.alerts} />}
          </Pending>
        </Panel>
      </div>

      <Panel
        title="Segments and fairness"
        id="segments"
        sub="per tag value: share against the baseline, metric with its interval, flags"
      >
        <SegmentsPanelBody state={segmentsState} by={by} tags={detail.tags} metric={metric} />
      </Panel>

      {caps?.has('GET /v1/models/{model}/explain') ? (
        <Panel
          title="Why it moved"
          id="explain"
          sub="the change against the window before, split by every tag and feature into mix and rate"
        >
          <ExplainPanel
            model={model}
            task={task}
            env={env}
            version={version}
            fromMs={lo}
            toMs={hi}
            metric={params.get('explain')}
          />
        </Panel>
      ) : null}
    </div>
  );
}
