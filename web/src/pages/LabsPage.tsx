import type { Experiment } from '../../../src/server/api-types.js';
import { useApi } from '../api/use-api.js';
import { Empty, Panel, Pending } from '../components/ui.js';
import { DASH, fmtAgo, fmtTime } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { href } from '../lib/router.js';

export const LABS_ROUTE = 'GET /v1/labs/experiments';

const listed = (e: Experiment) => e.allocation.allow_users;

const STATE_TONE: Record<string, string> = { live: 'ok', paused: 'warning', killed: 'alert', draft: 'draft' };

export function LabsPage() {
  const list = useApi<{ experiments: Experiment[] } | Experiment[]>({
    path: 'v1/labs/experiments',
    route: LABS_ROUTE,
  });
  usePageReady('labs', list.status !== 'loading');
  return (
    <div class="page">
      <div class="page-head">
        <h1>Labs</h1>
        <span class="muted">prototypes in front of opted-in users: usage, speed, feedback and cost</span>
      </div>
      <Panel title="Experiments">
        <Pending state={list} what="experiments">
          {(data) => {
            const experiments = Array.isArray(data) ? data : data.experiments;
            if (experiments.length === 0)
              return (
                <Empty title="No experiments yet">
                  Scaffold a prototype with <code>vigil labs new NAME</code> and register it with{' '}
                  <code>POST /v1/labs/experiments</code>.
                </Empty>
              );
            return (
              <table class="table" aria-label="experiments">
                <thead>
                  <tr>
                    <th>experiment</th>
                    <th>state</th>
                    <th>owner</th>
                    <th class="num">allocation</th>
                    <th>created</th>
                    <th>description</th>
                  </tr>
                </thead>
                <tbody>
                  {experiments.map((e) => (
                    <tr key={e.id} data-experiment={e.id}>
                      <td>
                        <a class="strong" href={href(['labs', e.id])}>
                          {e.name}
                        </a>
                      </td>
                      <td>
                        <span class={`badge status-${STATE_TONE[e.state] ?? 'draft'}`}>{e.state}</span>
                      </td>
                      <td>{e.owner ?? DASH}</td>
                      <td class="num">
                        {e.allocation?.percent !== undefined ? `${e.allocation.percent}%` : DASH}
                        {listed(e) > 0 ? ` + ${listed(e)} listed` : ''}
                      </td>
                      <td title={fmtTime(e.created)}>{e.created ? fmtAgo(e.created) : DASH}</td>
                      <td class="muted clip">{e.description ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Pending>
      </Panel>
    </div>
  );
}
