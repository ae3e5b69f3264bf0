import type { Monitor } from '../../../src/server/api-types.js';
import { useApi } from '../api/use-api.js';
import { Empty, Kpi, Panel, Pending, StatusBadge, Tag } from '../components/ui.js';
import { DASH, fmtAgo, fmtInt, fmtNum, fmtTime } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { href } from '../lib/router.js';

/** thresholdText shows a monitor's threshold: "< 0.8", or "auto" for a learned one. */
export function monitorThreshold(t: Monitor['threshold']): string {
  if (t === undefined) return DASH;
  return 'auto' in t ? 'auto (learned)' : `${t.op} ${fmtNum(t.value)}`;
}

/** nextRunText: "in 3 h", or "due" once the time has come (the scheduler takes it on its next tick). */
export function nextRunText(t: string | null | undefined, nowMs: number): string {
  if (!t) return 'next tick';
  return Date.parse(t) > nowMs ? fmtAgo(t, nowMs) : 'due';
}

/** MonitorsPage lists every monitor with its state, last evaluation, next run and error. */
export function MonitorsPage() {
  const monitors = useApi<{ monitors: Monitor[] }>({ path: 'v1/monitors', route: 'GET /v1/monitors' });
  usePageReady('monitors', monitors.status !== 'loading');
  const list = monitors.status === 'ok' ? monitors.data.monitors : [];
  const count = (st: string) => list.filter((m) => m.status?.state === st).length;
  const nowMs = Date.now();
  return (
    <div class="page">
      <div class="page-head">
        <h1>Monitors</h1>
        <div class="kpis">
          <Kpi label="monitors" value={fmtInt(list.length)} />
          <Kpi label="alert" value={fmtInt(count('alert'))} tone={count('alert') > 0 ? 'alert' : undefined} />
          <Kpi
            label="warning"
            value={fmtInt(count('warning'))}
            tone={count('warning') > 0 ? 'warning' : undefined}
          />
          <Kpi label="error" value={fmtInt(count('error'))} tone={count('error') > 0 ? 'alert' : undefined} />
        </div>
      </div>
      <Panel title="Every monitor" sub="state, last evaluation and next run (UTC), and the last error">
        <Pending state={monitors} what="monitors">
          {(data) =>
            data.monitors.length === 0 ? (
              <Empty title="No monitors yet">
                Create one with <code>POST /v1/monitors</code>, or load a file with{' '}
                <code>vigil serve --monitors examples/monitors.yaml</code>.
              </Empty>
            ) : (
              <table class="table" aria-label="monitors">
                <thead>
                  <tr>
                    <th>state</th>
                    <th>monitor</th>
                    <th>model</th>
                    <th>kind · metric</th>
                    <th class="num">value</th>
                    <th class="num">threshold</th>
                    <th>window · cadence</th>
                    <th>last evaluation</th>
                    <th>next run</th>
                    <th>error</th>
                  </tr>
                </thead>
                <tbody>
                  {data.monitors.map((m) => (
                    <tr key={m.id} data-monitor={m.id}>
                      <td>
                        {m.enabled === false ? (
                          <Tag>disabled</Tag>
                        ) : (
                          <StatusBadge status={m.status?.state ?? 'ok'} />
                        )}
                      </td>
                      <td>
                        <a href={href(['alerts'], { model: m.model, state: 'all' })} class="strong">
                          {m.name}
                        </a>
                      </td>
                      <td>
                        <a href={href(['models', m.model])}>{m.model}</a>
                      </td>
                      <td>
                        {m.kind}
                        {m.metric ? ` · ${m.metric}` : ''}
                      </td>
                      <td class="num">{fmtNum(m.status?.value ?? null)}</td>
                      <td class="num">{monitorThreshold(m.threshold)}</td>
                      <td>
                        {m.window ?? DASH} · {m.cadence ?? DASH}
                      </td>
                      <td title={m.status?.evaluated ? fmtTime(m.status.evaluated) : ''} data-col="evaluated">
                        {m.status?.evaluated ? fmtAgo(m.status.evaluated, nowMs) : 'not yet'}
                      </td>
                      <td title={m.status?.next_run ? fmtTime(m.status.next_run) : ''} data-col="next-run">
                        {m.enabled === false ? DASH : nextRunText(m.status?.next_run, nowMs)}
                      </td>
                      <td class="muted reason-cell" data-col="error">
                        {m.status?.error ?? DASH}
                      </td>
                    </tr>
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
