import type { Distribution } from '../analysis/drift.js';
import type { OfflineReport } from './offline-report.js';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const num = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : Math.abs(x) < 1e-4 && x !== 0
      ? x.toExponential(2)
      : x.toFixed(digits);

/** severity orders features for the table: drifted first, then by how far past the threshold. */
function severity(f: OfflineReport['features'][number]): number {
  if (f.statistic === null) return -1;
  const ratio = f.p_value !== null ? f.threshold / Math.max(f.p_value, 1e-300) : f.statistic / f.threshold;
  return (f.drifted ? 1e6 : 0) + Math.min(ratio, 1e5);
}

function summaryLine(r: OfflineReport): string {
  const drifted = r.features.filter((f) => f.drifted).length;
  const perf = r.performance
    ? ` ${r.performance.primary.metric} ${num(r.performance.primary.current, 3)}${r.performance.primary.reference !== null ? ` (reference ${num(r.performance.primary.reference, 3)})` : ''}${r.performance.degraded ? ', degraded' : ''}.`
    : '';
  return `${drifted} of ${r.features.length} features drifted (${(r.drifted_share * 100).toFixed(0)}%); dataset drift: ${r.dataset_drift ? 'yes' : 'no'}.${perf}`;
}

/** renderMarkdown gives the report as Markdown (for CI logs and pull requests). */
export function renderMarkdown(r: OfflineReport): string {
  const lines = [
    '# Vigil drift report',
    '',
    summaryLine(r),
    '',
    `Reference: ${r.baseline.file} (${r.baseline.records} rows) · Current: ${r.current.file} (${r.current.records} rows)`,
    '',
    '| feature | type | method | statistic | p-value | threshold | drifted |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...[...r.features]
      .sort((a, b) => severity(b) - severity(a))
      .map(
        (f) =>
          `| ${f.name} | ${f.type} | ${f.method} | ${num(f.statistic)} | ${num(f.p_value)} | ${f.threshold} | ${f.drifted ? '**yes**' : 'no'} |`,
      ),
  ];
  if (r.prediction)
    lines.push(
      '',
      `Prediction (${r.prediction.name}): ${r.prediction.method} ${num(r.prediction.statistic)} — ${r.prediction.drifted ? 'drifted' : 'stable'}`,
    );
  if (r.performance) {
    lines.push(
      '',
      `## Performance (${r.performance.task})`,
      '',
      '| metric | current | reference |',
      '| --- | --- | --- |',
    );
    for (const [k, v] of Object.entries(r.performance.metrics))
      lines.push(`| ${k} | ${num(v)} | ${num(r.performance.reference_metrics?.[k])} |`);
  }
  return `${lines.join('\n')}\n`;
}

function bars(d: Distribution): string {
  const w = 360;
  const h = 120;
  const n = d.labels.length;
  const max = Math.max(...d.reference, ...d.current, 1e-9);
  const bw = w / Math.max(n, 1);
  const rects = d.labels
    .map((label, i) => {
      const rh = ((d.reference[i] ?? 0) / max) * (h - 20);
      const ch = ((d.current[i] ?? 0) / max) * (h - 20);
      const x = i * bw;
      return (
        `<g><title>${esc(label)}: reference ${((d.reference[i] ?? 0) * 100).toFixed(1)}%, current ${((d.current[i] ?? 0) * 100).toFixed(1)}%</title>` +
        `<rect class="ref" x="${(x + bw * 0.1).toFixed(1)}" y="${(h - rh).toFixed(1)}" width="${(bw * 0.4).toFixed(1)}" height="${rh.toFixed(1)}"/>` +
        `<rect class="cur" x="${(x + bw * 0.5).toFixed(1)}" y="${(h - ch).toFixed(1)}" width="${(bw * 0.4).toFixed(1)}" height="${ch.toFixed(1)}"/></g>`
      );
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(d.name)} distribution">${rects}<line x1="0" y1="${h}" x2="${w}" y2="${h}" stroke="#999"/></svg>`;
}

/** renderHtml gives a self-contained page: no script, no external file, charts as inline SVG. */
export function renderHtml(r: OfflineReport): string {
  const dist = new Map(r.distributions.map((d) => [d.name, d]));
  const rows = [...r.features]
    .sort((a, b) => severity(b) - severity(a))
    .map((f) => {
      const d = dist.get(f.name);
      return (
        `<tr class="${f.drifted ? 'drifted' : ''}"><td><b>${esc(f.name)}</b><br><small>${f.type}</small></td><td>${f.method}</td>` +
        `<td>${num(f.statistic)}</td><td>${num(f.p_value)}</td><td>${f.threshold}</td><td>${f.drifted ? 'drifted' : 'stable'}</td>` +
        `<td>${d ? bars(d) : ''}</td></tr>`
      );
    })
    .join('\n');
  const perf = r.performance
    ? `<h2>Performance <small>(${r.performance.task}${r.performance.positive_label ? `, positive = ${esc(r.performance.positive_label)}` : ''})</small></h2>
<table><tr><th>metric</th><th>current</th><th>reference</th></tr>${Object.entries(r.performance.metrics)
        .map(
          ([k, v]) =>
            `<tr><td>${esc(k)}</td><td>${num(v)}</td><td>${num(r.performance?.reference_metrics?.[k])}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigil drift report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}.summary{font-size:16px;margin:8px 0 16px}
table{border-collapse:collapse;width:100%;margin-bottom:24px}td,th{border-bottom:1px solid #e3e6ec;padding:6px 8px;text-align:left;vertical-align:middle}
tr.drifted td:first-child{border-left:4px solid #d64545}.chart .ref{fill:#8da2c0}.chart .cur{fill:#e07b39}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}small{color:#667}
</style></head><body>
<h1>Vigil drift report</h1>
<div class="summary">${esc(summaryLine(r))}</div>
<div><small>Reference: ${esc(r.baseline.file)} (${r.baseline.records} rows) · Current: ${esc(r.current.file)} (${r.current.records} rows)</small>
<span class="legend"><span style="background:#8da2c0"></span>reference<span style="background:#e07b39"></span>current</span></div>
<h2>Features, most drifted first</h2>
<table><tr><th>feature</th><th>method</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th><th>distribution</th></tr>
${rows}</table>
${perf}
</body></html>
`;
}
