import { useMemo, useState } from 'preact/hooks';
import type { Alert, AlertsResponse, ModelSummary, Monitor } from '../../../src/server/api-types.js';
import { ApiError, postJson } from '../api/client.js';
import { useApi, useCapabilities } from '../api/use-api.js';
import { AlertTimeline } from '../components/AlertTimeline.js';
import { ContributionChart } from '../components/ContributionChart.js';
import { Empty, Panel, Pending, Segmented, Select, StatusBadge, Tag } from '../components/ui.js';
import { fmtAgo, fmtNum, fmtTime } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { href, setParams } from '../lib/router.js';

const STATES = ['open', 'warning', 'alert', 'resolved', 'all'] as const;

function thresholdText(t: Alert['threshold']): string {
  if (t === null) return '—';
  return typeof t === 'number' ? fmtNum(t) : `${t.op} ${fmtNum(t.value)}`;
}

const MUTES = [
  { label: '1 h', ms: 3_600_000 },
  { label: '24 h', ms: 86_400_000 },
  { label: '7 d', ms: 7 * 86_400_000 },
];

function AlertDetail(props: { alert: Alert; name: string; onChanged: () => void }) {
  const { alert: a } = props;
  const caps = useCapabilities();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (path: string, body: unknown) => {
    setBusy(true);
    setError(null);
    try {
      await postJson(path, body);
      props.onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  const canAck = caps?.has('POST /v1/alerts/{id}/ack') ?? false;
  const canMute = caps?.has('POST /v1/alerts/{id}/mute') ?? false;
  const acked = a.acknowledged === true || (a.acknowledged_at ?? null) !== null;
  const muted = a.muted_until && Date.parse(a.muted_until) > Date.now();
  const maxContribution = Math.max(1e-9, ...(a.contributors ?? []).map((c) => Math.abs(c.value)));
  return (
    <div class="alert-detail" data-alert-detail={a.id}>
      <div class="fd-head">
        <h3>{props.name}</h3>
        <StatusBadge status={a.state} />
        {acked ? <Tag tone="ok">acknowledged</Tag> : null}
        {muted ? <Tag>muted until {fmtTime(a.muted_until)}</Tag> : null}
      </div>
      <p class="alert-reason">{a.reason}</p>
      <dl class="facts">
        <dt>value</dt>
        <dd>{fmtNum(a.value)}</dd>
        <dt>threshold</dt>
        <dd>{thresholdText(a.threshold)}</dd>
        <dt>opened</dt>
        <dd>{fmtTime(a.opened)} UTC</dd>
        <dt>updated</dt>
        <dd>{fmtTime(a.updated)} UTC</dd>
        <dt>predicted breach</dt>
        <dd>
          {a.predicted_breach ? `${fmtTime(a.predicted_breach)} UTC (${fmtAgo(a.predicted_breach)})` : '—'}
        </dd>
        {a.model ? (
          <>
            <dt>model</dt>
            <dd>
              <a href={href(['models', a.model])}>{a.model}</a>
            </dd>
          </>
        ) : null}
      </dl>
      {a.explanation && a.explanation.top.length > 0 ? (
        <div class="why" data-explanation={a.explanation.metric}>
          <h4>Why it moved</h4>
          <p class="muted">
            {a.explanation.metric} {fmtNum(a.explanation.before)} → {fmtNum(a.explanation.after)} against{' '}
            {a.explanation.baseline.from
              ? `${fmtTime(a.explanation.baseline.from)} – ${fmtTime(a.explanation.baseline.to)}`
              : a.explanation.baseline.environment}
            ; top contributors by tag and feature
          </p>
          <ContributionChart bars={a.explanation.top} label="top contributors to the change" />
          {a.explanation.features.length > 0 ? (
            <p class="muted" data-explain-features>
              drift weighted by importance:{' '}
              {a.explanation.features.map((f) => `${f.feature} ${Math.round(f.share * 100)}%`).join(', ')}
            </p>
          ) : null}
        </div>
      ) : null}
      {a.contributors && a.contributors.length > 0 ? (
        <div class="contributors">
          <h4>What contributes</h4>
          {a.contributors.map((c) => (
            <div class="contrib" key={c.feature}>
              <span class="contrib-name">{c.feature}</span>
              <span class="contrib-track">
                <span
                  class="contrib-bar"
                  style={{ width: `${(Math.abs(c.value) / maxContribution) * 100}%` }}
                />
              </span>
              <span class="num">{fmtNum(c.value)}</span>
            </div>
          ))}
        </div>
      ) : null}
      <div class="actions">
        <button
          type="button"
          class="btn primary"
          disabled={busy || acked || !canAck || a.state === 'resolved'}
          title={canAck ? 'Acknowledge: someone is on it' : 'POST /v1/alerts/{id}/ack is not served yet'}
          onClick={() => void act(`v1/alerts/${encodeURIComponent(a.id)}/ack`, {})}
        >
          {acked ? 'Acknowledged' : 'Acknowledge'}
        </button>
        <span class="muted">mute for</span>
        {MUTES.map((m) => (
          <button
            type="button"
            class="btn"
            key={m.label}
            disabled={busy || !canMute}
            title={
              canMute ? `No notifications for ${m.label}` : 'POST /v1/alerts/{id}/mute is not served yet'
            }
            onClick={() =>
              void act(`v1/alerts/${encodeURIComponent(a.id)}/mute`, {
                until: new Date(Date.now() + m.ms).toISOString(),
              })
            }
          >
            {m.label}
          </button>
        ))}
        {error ? (
          <span class="error-inline" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </div>
  );
}

export function AlertsPage({ params }: { params: URLSearchParams }) {
  const model = params.get('model') ?? '';
  const stateParam = params.get('state') ?? 'open';
  const state = (STATES as readonly string[]).includes(stateParam) ? stateParam : 'open';
  const selectedId = params.get('alert');
  const [refresh, setRefresh] = useState(0);
  const apiState = state === 'warning' || state === 'alert' || state === 'resolved' ? state : undefined;
  const alerts = useApi<AlertsResponse>(
    { path: 'v1/alerts', params: { model, state: apiState }, route: 'GET /v1/alerts' },
    refresh,
  );
  const monitors = useApi<{ monitors: Monitor[] } | Monitor[]>({
    path: 'v1/monitors',
    route: 'GET /v1/monitors',
  });
  const models = useApi<{ models: ModelSummary[] }>({ path: 'v1/models', route: 'GET /v1/models' });
  usePageReady('alerts', alerts.status !== 'loading');
  const names = useMemo(() => {
    const list =
      monitors.status === 'ok' ? (Array.isArray(monitors.data) ? monitors.data : monitors.data.monitors) : [];
    const byId = new Map(list.map((m) => [m.id, m.name]));
    return (id: string) => byId.get(id) ?? id;
  }, [monitors]);
  const nowMs = Date.now();
  return (
    <div class="page">
      <div class="page-head">
        <h1>Alerts</h1>
        <div class="controls">
          <Select
            label="model"
            value={model}
            options={[
              { value: '', label: 'all models' },
              ...(models.status === 'ok'
                ? models.data.models.map((m) => ({ value: m.model, label: m.model }))
                : []),
            ]}
            onChange={(v) => setParams({ model: v, alert: null })}
          />
          <Segmented
            label="state"
            value={state}
            options={STATES}
            onChange={(v) => setParams({ state: v, alert: null })}
          />
        </div>
      </div>
      <Pending state={alerts} what="alerts">
        {(data) => {
          const shown = data.alerts
            .filter((a) => (state === 'open' ? a.state !== 'resolved' : true))
            .sort((a, b) => Date.parse(b.opened) - Date.parse(a.opened));
          const selected = shown.find((a) => a.id === selectedId) ?? null;
          if (shown.length === 0)
            return (
              <Panel title="Alerts">
                <Empty title={state === 'open' ? 'No open alerts' : 'No alerts match'}>
                  Monitors raise alerts with their reason; resolved ones stay listed under “resolved”.
                </Empty>
              </Panel>
            );
          return (
            <>
              <Panel
                title="Timeline"
                sub="one lane per monitor; bars from opened to resolved (or now); ◇ predicted breach"
              >
                <AlertTimeline
                  alerts={shown}
                  names={names}
                  selected={selectedId}
                  nowMs={nowMs}
                  onSelect={(id) => setParams({ alert: id }, { replace: true })}
                />
              </Panel>
              <div class="two-col wide-left">
                <Panel title="List" sub={`${shown.length} alerts`}>
                  <table class="table" aria-label="alerts">
                    <thead>
                      <tr>
                        <th>state</th>
                        <th>monitor</th>
                        <th class="num">value</th>
                        <th class="num">threshold</th>
                        <th>opened</th>
                        <th>predicted breach</th>
                        <th>reason</th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((a) => (
                        <tr
                          key={a.id}
                          data-alert={a.id}
                          class={`clickable${a.id === selectedId ? ' selected' : ''}`}
                          onClick={() => setParams({ alert: a.id }, { replace: true })}
                        >
                          <td>
                            <StatusBadge status={a.state} />
                          </td>
                          <td>
                            <a href={href(['alerts'], { model, state, alert: a.id })}>{names(a.monitor)}</a>
                          </td>
                          <td class="num">{fmtNum(a.value)}</td>
                          <td class="num">{thresholdText(a.threshold)}</td>
                          <td title={fmtTime(a.opened)}>{fmtAgo(a.opened, nowMs)}</td>
                          <td>{a.predicted_breach ? fmtTime(a.predicted_breach) : '—'}</td>
                          <td class="muted reason-cell">{a.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Panel>
                <Panel title="Explanation">
                  {selected ? (
                    <AlertDetail
                      alert={selected}
                      name={names(selected.monitor)}
                      onChanged={() => setRefresh((r) => r + 1)}
                    />
                  ) : (
                    <Empty title="Select an alert">
                      Its reason, what contributes and the forecast breach show here.
                    </Empty>
                  )}
                </Panel>
              </div>
            </>
          );
        }}
      </Pending>
    </div>
  );
}
