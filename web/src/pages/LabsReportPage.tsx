import { useState } from 'preact/hooks';
import type { Experiment, LabsReport } from '../../../src/server/api-types.js';
import { useApi } from '../api/use-api.js';
import { Kpi, Panel, Pending } from '../components/ui.js';
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtUsd } from '../lib/format.js';
import { usePageReady } from '../lib/page-ready.js';
import { setParams } from '../lib/router.js';

const OUTCOME_COLORS: Record<string, string> = {
  ok: '#1f8a4c',
  fallback: '#6b7280',
  rejected: '#c27c0e',
  timeout: '#b45309',
  error: '#d12f2f',
};

/** HBars is a labelled horizontal bar list: counts that add up to a whole, largest first. */
function HBars({
  items,
  label,
  unit,
}: {
  items: Array<[string, number]>;
  label: string;
  unit?: (n: number) => string;
}) {
  const max = Math.max(1, ...items.map(([, n]) => n));
  return (
    <ul class="hbars" aria-label={label}>
      {items.map(([k, n]) => (
        <li class="hbar" key={k}>
          <span class="hbar-name">{k}</span>
          <span class="hbar-track">
            <span class="hbar-fill" style={{ width: `${(n / max) * 100}%`, background: OUTCOME_COLORS[k] }} />
          </span>
          <span class="num">{unit ? unit(n) : fmtInt(n)}</span>
        </li>
      ))}
    </ul>
  );
}

/** OutcomeStrip is the calls split by outcome as one stacked bar. */
function OutcomeStrip({ outcomes }: { outcomes: Record<string, number> }) {
  const total = Object.values(outcomes).reduce((s, n) => s + n, 0) || 1;
  return (
    <svg class="strip" width="100%" height="14" role="img" aria-label="calls by outcome">
      <title>calls by outcome</title>
      {(() => {
        let x = 0;
        return Object.entries(outcomes).map(([k, n]) => {
          const w = (n / total) * 100;
          const r = (
            <rect
              key={k}
              x={`${x}%`}
              y={0}
              width={`${w}%`}
              height={14}
              fill={OUTCOME_COLORS[k] ?? '#9ca3af'}
            />
          );
          x += w;
          return r;
        });
      })()}
    </svg>
  );
}

export function LabsReportPage({ id, params }: { id: string; params: URLSearchParams }) {
  const calls = params.get('calls') ?? '';
  const [draft, setDraft] = useState(calls);
  const enc = encodeURIComponent(id);
  const exp = useApi<Experiment>({
    path: `v1/labs/experiments/${enc}`,
    route: 'GET /v1/labs/experiments/{id}',
  });
  const report = useApi<LabsReport>({
    path: `v1/labs/experiments/${enc}/report`,
    params: { format: 'json', projected_calls_per_day: calls },
    route: 'GET /v1/labs/experiments/{id}/report',
  });
  usePageReady('labs-report', report.status !== 'loading');
  const name = exp.status === 'ok' ? exp.data.name : id;
  return (
    <div class="page">
      <div class="page-head">
        <div class="title-row">
          <a href="#/labs" class="crumb">
            Labs
          </a>
          <span class="crumb-sep">/</span>
          <h1>{name}</h1>
          {exp.status === 'ok' ? (
            <span class={`badge status-${exp.data.state === 'live' ? 'ok' : 'draft'}`}>{exp.data.state}</span>
          ) : null}
        </div>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setParams({ calls: draft.trim() || null });
          }}
        >
          <label class="field">
            <span>projected calls / day</span>
            <input
              name="calls"
              inputMode="numeric"
              value={draft}
              placeholder="current rate"
              onInput={(e) => setDraft(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn">
            Project
          </button>
        </form>
      </div>
      <Pending state={report} what="the report">
        {(r) => (
          <>
            <p class="summary">{r.summary}</p>
            <div class="kpis">
              <Kpi label="enrolled" value={fmtInt(r.users.enrolled)} />
              <Kpi label="active" value={fmtInt(r.users.active)} />
              <Kpi label="returning" value={fmtInt(r.users.returning)} />
              <Kpi label="calls" value={fmtInt(r.calls)} />
              <Kpi
                label="p50 / p95 latency"
                value={`${fmtMs(r.latency_ms.p50)} / ${fmtMs(r.latency_ms.p95)}`}
                hint={`p99 ${fmtMs(r.latency_ms.p99)}`}
              />
              <Kpi
                label="too slow"
                value={fmtPct(r.feedback.too_slow_share, 0)}
                hint={
                  r.feedback.too_slow_ci
                    ? `95% interval ${fmtPct(r.feedback.too_slow_ci[0], 0)}–${fmtPct(r.feedback.too_slow_ci[1], 0)}`
                    : ''
                }
              />
              <Kpi
                label="cost / month"
                value={fmtUsd(r.cost.projection.usd_per_month)}
                hint={`at ${fmtInt(r.cost.projection.calls_per_day)} calls/day`}
              />
            </div>
            <div class="three-col">
              <Panel title="Outcomes" sub={`${fmtInt(r.calls)} calls`}>
                <OutcomeStrip outcomes={r.outcomes} />
                <HBars label="outcomes" items={Object.entries(r.outcomes).sort((a, b) => b[1] - a[1])} />
              </Panel>
              <Panel title="Product features used" sub="calls per feature">
                <HBars label="features" items={Object.entries(r.features).sort((a, b) => b[1] - a[1])} />
              </Panel>
              <Panel title="Model parts" sub="time spent per part">
                <HBars
                  label="parts"
                  items={Object.entries(r.parts)
                    .map(([k, v]) => [k, v.ms_total] as [string, number])
                    .sort((a, b) => b[1] - a[1])}
                  unit={fmtMs}
                />
              </Panel>
            </div>
            <div class="two-col">
              <Panel title="Feedback" sub={`${fmtInt(r.feedback.responses)} responses`}>
                <dl class="facts">
                  <dt>too slow</dt>
                  <dd>
                    {fmtPct(r.feedback.too_slow_share)}
                    {r.feedback.too_slow_ci
                      ? ` (95% interval ${fmtPct(r.feedback.too_slow_ci[0])}–${fmtPct(r.feedback.too_slow_ci[1])})`
                      : ''}
                  </dd>
                  <dt>useful</dt>
                  <dd>{fmtPct(r.feedback.useful_share)}</dd>
                  <dt>importance</dt>
                  <dd>mean {fmtNum(r.feedback.importance.mean, 2)} of 5</dd>
                </dl>
                <HBars
                  label="importance"
                  items={(['1', '2', '3', '4', '5'] as const).map(
                    (k) => [`${k} / 5`, r.feedback.importance.counts[k] ?? 0] as [string, number],
                  )}
                />
              </Panel>
              <Panel title="Cost" sub="measured compute × prices">
                <dl class="facts">
                  <dt>CPU per call</dt>
                  <dd>{fmtMs(r.cost.cpu_ms_per_call)}</dd>
                  <dt>per 1k calls</dt>
                  <dd>{fmtUsd(r.cost.usd_per_1k_calls)}</dd>
                  <dt>projection</dt>
                  <dd>
                    {fmtUsd(r.cost.projection.usd_per_month)} / month at{' '}
                    {fmtInt(r.cost.projection.calls_per_day)} calls/day
                    {r.cost.projection.interval90
                      ? ` (90% interval ${fmtUsd(r.cost.projection.interval90[0])}–${fmtUsd(r.cost.projection.interval90[1])})`
                      : ''}
                  </dd>
                </dl>
              </Panel>
            </div>
          </>
        )}
      </Pending>
    </div>
  );
}
