import type { Experiment } from '../experiment.js';
import type { LabsReport } from './compute.js';
import { count, money } from './summary.js';
import { type Bar, barChart, columnChart, esc, intervalChart } from './svg.js';

const OUTCOME_COLORS = {
  ok: 'good',
  error: 'bad',
  timeout: 'bad',
  rejected: 'warn',
  fallback: 'warn',
} as const;
const usd = (x: number) => (x < 1 ? `$${x.toPrecision(3)}` : money(x));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

const STYLE = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:720px;margin:0 auto;padding:24px}
h1{font-size:20px;line-height:1.35;margin:0 0 8px}
h2{font-size:15px;margin:28px 0 8px;color:#3a4150}
.meta{color:#6b7385;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.card{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:10px}
.card b{display:block;font-size:20px}
.card span{color:#6b7385;font-size:12px}
section{background:#fff;border:1px solid #e3e6ec;border-radius:6px;padding:12px;margin-top:8px}
svg.chart{max-width:100%;height:auto;display:block}
footer{color:#6b7385;font-size:12px;margin-top:24px}
`;

/**
 * renderHtml renders the report as one self-contained HTML page: inline CSS and inline SVG
 * charts, no script, no font or CDN request.
 */
export function renderHtml(
  exp: Pick<Experiment, 'id' | 'name' | 'state' | 'owner' | 'description'>,
  r: LabsReport,
  generatedIso: string,
): string {
  const card = (value: string, label: string) =>
    `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
  const outcomes: Bar[] = Object.entries(r.outcomes).map(([o, n]) => ({
    label: o,
    value: n,
    color: OUTCOME_COLORS[o as keyof typeof OUTCOME_COLORS],
    note: `${n} (${r.calls ? pct(n / r.calls) : '–'})`,
  }));
  const features: Bar[] = Object.entries(r.features).map(([f, n]) => ({ label: f, value: n }));
  const parts: Bar[] = Object.entries(r.parts).map(([p, v]) => ({
    label: p,
    value: v.ms_total / Math.max(1, v.calls),
    note: `${(v.ms_total / Math.max(1, v.calls)).toFixed(2)} ms/call · ${v.calls} calls`,
  }));
  const lat = r.latency_ms;
  const latency: Bar[] =
    lat.p50 === null
      ? []
      : [
          { label: 'p50', value: lat.p50, note: `${lat.p50.toFixed(1)} ms` },
          { label: 'p95', value: lat.p95 ?? 0, note: `${(lat.p95 ?? 0).toFixed(1)} ms`, color: 'warn' },
          { label: 'p99', value: lat.p99 ?? 0, note: `${(lat.p99 ?? 0).toFixed(1)} ms`, color: 'bad' },
        ];
  const fb = r.feedback;
  const importance: Bar[] = Object.entries(fb.importance.counts).map(([k, v]) => ({ label: k, value: v }));
  const p = r.cost.projection;
  const costMax = Math.max(p.interval90?.[1] ?? 0, p.usd_per_month ?? 0) * 1.15 || 1;
  const sections = [
    ['Outcomes', barChart('outcomes', 'Calls by outcome', outcomes)],
    ['Features used', barChart('features', 'Calls by product feature', features)],
    ['Model parts (ms per call)', barChart('parts', 'Time per call in each model part', parts)],
    ['Latency', barChart('latency', 'Latency percentiles', latency)],
    [
      'Too slow (95% Wilson interval)',
      intervalChart('too-slow', 'Share of users who find it too slow', fb.too_slow_share, fb.too_slow_ci, {
        max: 1,
        format: pct,
        color: 'warn',
      }),
    ],
    [
      `Importance (mean ${fb.importance.mean === null ? '–' : fb.importance.mean.toFixed(2)}/5)`,
      columnChart('importance', 'Importance ratings 1 to 5', importance),
    ],
    [
      `Monthly cost at ${count(p.calls_per_day)} calls a day (90% bootstrap interval)`,
      intervalChart('cost', 'Projected monthly cost', p.usd_per_month, p.interval90, {
        max: costMax,
        format: usd,
      }),
    ],
  ] as const;
  const c = r.cost;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(`Labs report: ${exp.name}`)}</title><style>${STYLE}</style></head>
<body><main>
<h1 id="summary">${esc(r.summary)}</h1>
<p class="meta">Labs report for <b>${esc(exp.name)}</b> (<code>${esc(exp.id)}</code>, ${esc(exp.state)}${exp.owner ? `, owner ${esc(exp.owner)}` : ''})${exp.description ? ` — ${esc(exp.description)}` : ''}</p>
<div class="cards">
${card(String(r.users.enrolled), 'users enrolled')}${card(String(r.users.active), 'active')}${card(String(r.users.returning), 'returning')}${card(r.calls.toLocaleString('en-US'), 'calls')}
${card(fb.useful_share === null ? '–' : pct(fb.useful_share), 'find it useful')}${card(String(fb.responses), 'feedback responses')}${card(c.cpu_ms_per_call === null ? '–' : `${c.cpu_ms_per_call.toFixed(1)} ms`, 'CPU per call')}${card(c.usd_per_1k_calls === null ? '–' : usd(c.usd_per_1k_calls), 'per 1,000 calls')}
</div>
${sections.map(([title, svg]) => `<h2>${esc(title)}</h2><section>${svg}</section>`).join('\n')}
<footer>Generated ${esc(generatedIso)} by Vigil Labs. Usage only: no payload is stored unless the experiment captures payloads.</footer>
</main></body></html>
`;
}
