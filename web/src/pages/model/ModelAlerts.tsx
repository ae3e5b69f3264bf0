import type { Alert } from '../../../../src/server/api-types.js';
import { Empty, StatusBadge } from '../../components/ui.js';
import { fmtAgo, fmtTime } from '../../lib/format.js';
import { href } from '../../lib/router.js';

/** leadText says how long a warning came before its alert. */
function leadText(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  return h >= 48 ? `${Math.round(h / 24)} days` : `${h} h`;
}

export function ModelAlerts({ model, alerts }: { model: string; alerts: ReadonlyArray<Alert> }) {
  if (alerts.length === 0)
    return <Empty title="No alerts for this model">Its monitors have not fired.</Empty>;
  const sorted = [...alerts].sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated)).slice(0, 8);
  return (
    <table class="table" aria-label="model alerts">
      <thead>
        <tr>
          <th>state</th>
          <th>monitor</th>
          <th>opened</th>
          <th>early warning</th>
          <th>predicted breach</th>
          <th>reason</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((a) => (
          <tr key={a.id}>
            <td>
              <StatusBadge status={a.state} />
            </td>
            <td>
              <a href={href(['alerts'], { model, alert: a.id })}>{a.monitor}</a>
            </td>
            <td title={fmtTime(a.opened)}>{fmtAgo(a.opened)}</td>
            <td data-warned={a.warned ?? ''}>
              {a.warned && a.alerted
                ? `${fmtTime(a.warned)} (${leadText(Date.parse(a.alerted) - Date.parse(a.warned))} ahead)`
                : a.warned
                  ? fmtTime(a.warned)
                  : '—'}
            </td>
            <td>{a.predicted_breach ? fmtTime(a.predicted_breach) : '—'}</td>
            <td class="muted">{a.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
