import type { Experiment } from '../experiment.js';
import type { LabsReport } from './compute.js';
import { count, money } from './summary.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} ms`);
const usd = (x: number | null) => (x === null ? '–' : x < 1 ? `$${x.toPrecision(3)}` : money(x));

/** renderMarkdown renders the report as Markdown; its first line is the summary sentence. */
export function renderMarkdown(
  exp: Pick<Experiment, 'id' | 'name' | 'state' | 'owner'>,
  r: LabsReport,
): string {
  const lines: string[] = [r.summary, '', `## Labs report: ${cell(exp.name)}`, ''];
  lines.push(`Experiment \`${exp.id}\` (${exp.state}${exp.owner ? `, owner ${cell(exp.owner)}` : ''}).`, '');
  lines.push('| users enrolled | active | returning | calls |', '| ---: | ---: | ---: | ---: |');
  lines.push(`| ${r.users.enrolled} | ${r.users.active} | ${r.users.returning} | ${r.calls} |`, '');
  lines.push('### Outcomes', '', '| outcome | calls | share |', '| --- | ---: | ---: |');
  for (const [o, n] of Object.entries(r.outcomes))
    lines.push(`| ${o} | ${n} | ${pct(r.calls ? n / r.calls : null)} |`);
  lines.push('', '### Features used', '', '| feature | calls |', '| --- | ---: |');
  for (const [f, n] of Object.entries(r.features)) lines.push(`| ${cell(f)} | ${n} |`);
  lines.push(
    '',
    '### Model parts',
    '',
    '| part | calls | total ms | ms per call |',
    '| --- | ---: | ---: | ---: |',
  );
  for (const [p, v] of Object.entries(r.parts))
    lines.push(
      `| ${cell(p)} | ${v.calls} | ${v.ms_total.toFixed(1)} | ${(v.ms_total / Math.max(1, v.calls)).toFixed(2)} |`,
    );
  lines.push('', '### Speed', '', '| p50 | p95 | p99 |', '| ---: | ---: | ---: |');
  lines.push(`| ${ms(r.latency_ms.p50)} | ${ms(r.latency_ms.p95)} | ${ms(r.latency_ms.p99)} |`, '');
  const fb = r.feedback;
  const ci = fb.too_slow_ci ? ` (95% CI ${pct(fb.too_slow_ci[0])} – ${pct(fb.too_slow_ci[1])})` : '';
  lines.push(
    '### Feedback',
    '',
    `- responses: ${fb.responses}`,
    `- too slow: ${pct(fb.too_slow_share)}${ci}`,
  );
  lines.push(
    `- importance: mean ${fb.importance.mean === null ? '–' : `${fb.importance.mean.toFixed(2)}/5`}`,
  );
  lines.push(
    `  (${Object.entries(fb.importance.counts)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')})`,
  );
  lines.push(`- useful: ${pct(fb.useful_share)}`, '');
  const c = r.cost;
  const p = c.projection;
  lines.push('### Cost', '');
  lines.push(`- CPU per call: ${c.cpu_ms_per_call === null ? '–' : `${c.cpu_ms_per_call.toFixed(2)} ms`}`);
  lines.push(`- per 1,000 calls: ${usd(c.usd_per_1k_calls)}`);
  lines.push(
    `- at ${count(p.calls_per_day)} calls a day: ${usd(p.usd_per_month)} a month` +
      (p.interval90 ? ` (90% interval ${usd(p.interval90[0])} – ${usd(p.interval90[1])})` : ''),
  );
  return `${lines.join('\n')}\n`;
}
