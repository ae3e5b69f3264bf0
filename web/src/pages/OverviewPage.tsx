import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AlertsResponse, ModelSummary, PerformanceResponse } from '../../../src/server/api-types.js';
import { type ApiState, useApi } from '../api/use-api.js';
import { Sparkline } from '../components/Sparkline.js';
import { Empty, Kpi, Panel, Pending, StatusBadge, Tag } from '../components/ui.js';
import { DASH, fmtAgo, fmtCompact, fmtInt, fmtPct, fmtTime } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { href } from '../lib/router.js';
import { DAY } from '../lib/time-range.js';

const SPARK_MS = 7 * DAY;

function primaryEnv(m: ModelSummary): string | undefined {
  if (m.environments['production']) return 'production';
  return Object.keys(m.environments).sort(
    (a, b) => (m.environments[b]?.records ?? 0) - (m.environments[a]?.records ?? 0),
  )[0];
}

function openAlerts(s: ApiState<AlertsResponse>): number | null {
  return s.status === 'ok' ? s.data.alerts.filter((a) => a.state !== 'resolved').length : null;
}

function ModelRow({ m, onSettled }: { m: ModelSummary; onSettled: (model: string) => void }) {
  const env = primaryEnv(m);
  const vol = env ? m.environments[env] : undefined;
  const lastMs = vol ? Date.parse(vol.last) : undefined;
  const perf = useApi<PerformanceResponse>(
    env && lastMs !== undefined
      ? {
          path: `v1/models/${encodeURIComponent(m.model)}/performance`,
          params: { environment: env, granularity: 'hour', from: new Date(lastMs - SPARK_MS).toISOString() },
          route: 'GET /v1/models/{model}/performance',
        }
      : null,
  );
  const alerts = useApi<AlertsResponse>({
    path: 'v1/alerts',
    params: { model: m.model },
    route: 'GET /v1/alerts',
  });
  const settled = (perf.status !== 'loading' || !env) && alerts.status !== 'loading';
  useEffect(() => {
    if (settled) onSettled(m.model);
  }, [settled, m.model, onSettled]);

  let spark: Array<number | null> = [];
  let labeled: number | null = null;
  if (perf.status === 'ok') {
    // One point per hour, zeros included: a silent hour is news, not a gap to interpolate over.
    const byHour = new Map(perf.data.series.map((b) => [Date.parse(b.start), b.count]));
    const start = Math.floor(((lastMs ?? 0) - SPARK_MS) / 3_600_000) * 3_600_000;
    for (let t = start + 3_600_000; t <= (lastMs ?? 0); t += 3_600_000) spark.push(byHour.get(t) ?? 0);
    const n = perf.data.series.reduce((s, b) => s + b.count, 0);
    labeled = n > 0 ? perf.data.series.reduce((s, b) => s + b.labeled, 0) / n : null;
  } else spark = [];
  const open = openAlerts(alerts);
  const link = href(['models', m.model]);
  return (
    <tr data-model={m.model}>
      <td>
        <a href={link} class="strong">
          {m.model}
        </a>
      </td>
      <td>
        <StatusBadge status={m.status} reason={m.status_reason} />
        {m.status !== 'ok' && m.status_reason ? (
          <div class="muted small status-reason">{m.status_reason}</div>
        ) : null}
      </td>
      <td>{m.task ?? DASH}</td>
      <td class="wrap">
        {m.versions.map((v) => (
          <Tag key={v}>{v}</Tag>
        ))}
      </td>
      <td class="wrap">
        {Object.entries(m.environments).map(([e, v]) => (
          <span
            class="env-chip"
            key={e}
            title={`${e}: ${fmtInt(v.records)} records, ${fmtTime(v.first)} → ${fmtTime(v.last)}`}
          >
            {e} <b>{fmtCompact(v.records)}</b>
          </span>
        ))}
      </td>
      <td title={vol ? fmtTime(vol.last) : ''}>{vol ? fmtAgo(vol.last) : DASH}</td>
      <td>
        {perf.status === 'ok' ? (
          <a href={link} class="spark-link">
            <Sparkline
              values={spark}
              width={220}
              height={30}
              label={`${m.model} ${env} records per hour, last 7 days of data`}
            />
          </a>
        ) : perf.status === 'loading' && env ? (
          <span class="muted">…</span>
        ) : (
          <span class="muted">{DASH}</span>
        )}
      </td>
      <td class="num">{fmtPct(labeled)}</td>
      <td class="num">
        {alerts.status === 'unavailable' ? (
          <span class="muted" title="GET /v1/alerts is not served by this server yet">
            n/a
          </span>
        ) : open === null ? (
          <span class="muted">…</span>
        ) : open > 0 ? (
          <a href={href(['alerts'], { model: m.model })} class="alert-count">
            {open}
          </a>
        ) : (
          '0'
        )}
      </td>
    </tr>
  );
}

export function OverviewPage() {
  const models = useApi<{ models: ModelSummary[] }>({ path: 'v1/models', route: 'GET /v1/models' });
  const [settled, setSettled] = useState<ReadonlySet<string>>(new Set());
  const onSettled = useCallback(
    (model: string) => setSettled((s) => (s.has(model) ? s : new Set([...s, model]))),
    [],
  );
  const list = models.status === 'ok' ? models.data.models : [];
  usePageReady('overview', models.status !== 'loading' && list.every((m) => settled.has(m.model)));

  const count = (st: string) => list.filter((m) => m.status === st).length;
  const records = list.reduce(
    (s, m) => s + Object.values(m.environments).reduce((t, e) => t + e.records, 0),
    0,
  );
  return (
    <div class="page">
      <div class="page-head">
        <h1>Models</h1>
        <div class="kpis">
          <Kpi label="models" value={fmtInt(list.length)} />
          <Kpi label="alert" value={fmtInt(count('alert'))} tone={count('alert') > 0 ? 'alert' : undefined} />
          <Kpi
            label="warning"
            value={fmtInt(count('warning'))}
            tone={count('warning') > 0 ? 'warning' : undefined}
          />
          <Kpi label="ok" value={fmtInt(count('ok'))} />
          <Kpi label="records" value={fmtCompact(records)} hint={fmtInt(records)} />
        </div>
      </div>
      <Panel
        title="Every model"
        sub="status, the last 7 days of each model's data (UTC), labeled share, open alerts"
      >
        <Pending state={models} what="models">
          {(data) =>
            data.models.length === 0 ? (
              <Empty title="No models yet">
                Send predictions to <code>POST /v1/records</code>, import a file with{' '}
                <code>vigil ingest</code>, or start with <code>vigil serve --demo</code>.
              </Empty>
            ) : (
              <table class="table" aria-label="models">
                <thead>
                  <tr>
                    <th>model</th>
                    <th>status</th>
                    <th>task</th>
                    <th>versions</th>
                    <th>records by environment</th>
                    <th>last record</th>
                    <th>records per hour, 7 d</th>
                    <th class="num" title="share of the last 7 days' records whose actual has arrived">
                      labeled, 7 d
                    </th>
                    <th class="num">open alerts</th>
                  </tr>
                </thead>
                <tbody>
                  {data.models.map((m) => (
                    <ModelRow key={m.model} m={m} onSettled={onSettled} />
                  ))}
                </tbody>
              </table>
            )
          }
        </Pending>
      </Panel>
    </div>
  );
}
