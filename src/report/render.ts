import type { Distribution } from '../analysis/index.js';
import type { OfflineReport } from './offline-report.js';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
/** num prints a statistic; counts (integers) print as integers, never 1234.0000 or 1.2e3. */
const num = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : Number.isInteger(x)
      ? String(x)
      : Math.abs(x) < 1e-4
        ? x.toExponential(2)
        : x.toFixed(digits);

/** notes lists what the feature table does not show: skipped features and infinite values. */
function notes(r: OfflineReport): { skipped: string[]; infinite: string[] } {
  const side = (s: { pos: number; neg: number }) =>
    [s.pos ? `${s.pos} × +inf` : '', s.neg ? `${s.neg} × −inf` : ''].filter(Boolean).join(', ') || 'none';
  return {
    skipped: r.skipped.map((k) => `${k.name}: ${k.reason}`),
    infinite: (r.infinite ?? []).map(
      (i) =>
        `${i.part === 1 ? `prediction ${i.name}` : i.name}: reference ${side(i.reference)}; current ${side(i.current)}`,
    ),
  };
}

const SKIPPED_TITLE = 'Not compared (fails --fail-on drift unless --allow-missing)';
const INFINITE_TITLE = 'Infinite values (left out of the statistics, which are those of the finite values)';

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
  const n = notes(r);
  if (n.skipped.length) lines.push('', `## ${SKIPPED_TITLE}`, '', ...n.skipped.map((x) => `- ${x}`));
  if (n.infinite.length) lines.push('', `## ${INFINITE_TITLE}`, '', ...n.infinite.map((x) => `- ${x}`));
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

/**
 * bars draws reference and current shares per bin or category as grouped bars, with a y axis
 * (share of rows, %) and the bins or categories labelled under the x axis.
 */
function bars(d: Distribution): string {
  const left = 40;
  const plotW = 360;
  const plotH = 110;
  const top = 8;
  const bottom = 64;
  const w = left + plotW + 8;
  const h = top + plotH + bottom;
  const n = d.labels.length;
  const max = Math.max(...d.reference, ...d.current, 1e-9);
  // A round top for the y axis: the next 5% (or 1% under 10%) above the largest share.
  const step = max > 0.1 ? 0.05 : 0.01;
  const yMax = Math.min(1, Math.ceil(max / step) * step) || step;
  const y = (share: number) => top + plotH - (share / yMax) * plotH;
  const bw = plotW / Math.max(n, 1);
  const rects = d.labels
    .map((label, i) => {
      const x = left + i * bw;
      const rs = d.reference[i] ?? 0;
      const cs = d.current[i] ?? 0;
      const short = label.length > 14 ? `${label.slice(0, 13)}…` : label;
      const lx = x + bw / 2;
      return (
        `<g><title>${esc(label)}: reference ${(rs * 100).toFixed(1)}%, current ${(cs * 100).toFixed(1)}%</title>` +
        `<rect class="ref" x="${(x + bw * 0.1).toFixed(1)}" y="${y(rs).toFixed(1)}" width="${(bw * 0.4).toFixed(1)}" height="${(top + plotH - y(rs)).toFixed(1)}"/>` +
        `<rect class="cur" x="${(x + bw * 0.5).toFixed(1)}" y="${y(cs).toFixed(1)}" width="${(bw * 0.4).toFixed(1)}" height="${(top + plotH - y(cs)).toFixed(1)}"/></g>` +
        `<text class="cat" x="${lx.toFixed(1)}" y="${top + plotH + 6}" transform="rotate(40 ${lx.toFixed(1)} ${top + plotH + 6})">${esc(short)}</text>`
      );
    })
    .join('');
  const ticks = [0, yMax / 2, yMax]
    .map(
      (t) =>
        `<text class="tick" x="${left - 4}" y="${(y(t) + 3).toFixed(1)}" text-anchor="end">${Math.round(t * 100)}%</text>` +
        `<line x1="${left}" y1="${y(t).toFixed(1)}" x2="${left + plotW}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`,
    )
    .join('');
  const xTitle = d.type === 'numeric' ? `${d.name} (bins: reference deciles)` : `${d.name} (categories)`;
  return (
    `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(d.name)} distribution: share of rows per ${d.type === 'numeric' ? 'bin' : 'category'}, reference and current">` +
    `${ticks}${rects}` +
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#999"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#999"/>` +
    `<text class="axis" x="10" y="${top + plotH / 2}" transform="rotate(-90 10 ${top + plotH / 2})" text-anchor="middle">share of rows</text>` +
    `<text class="axis" x="${left + plotW / 2}" y="${h - 2}" text-anchor="middle">${esc(xTitle)}</text></svg>`
  );
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
  const n = notes(r);
  const list = (title: string, items: string[]) =>
    items.length ? `<h2>${esc(title)}</h2><ul>${items.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '';
  const prediction = r.prediction
    ? `<h2>Prediction drift</h2>
<table><tr><th>output</th><th>method</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th></tr>
${r.prediction_outputs
  .map(
    (p) =>
      `<tr class="${p.drifted ? 'drifted' : ''}"><td><b>${esc(p.name)}</b><br><small>${p.type}</small></td><td>${p.method}</td>` +
      `<td>${num(p.statistic)}</td><td>${num(p.p_value)}</td><td>${p.threshold}</td><td>${p.drifted ? 'drifted' : 'stable'}</td></tr>`,
  )
  .join('\n')}</table>`
    : '';
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
.chart text{font-size:9px;fill:#556}.chart text.axis{font-size:10px;fill:#334}
</style></head><body>
<h1>Vigil drift report</h1>
<div class="summary">${esc(summaryLine(r))}</div>
<div><small>Reference: ${esc(r.baseline.file)} (${r.baseline.records} rows) · Current: ${esc(r.current.file)} (${r.current.records} rows)</small>
<span class="legend"><span style="background:#8da2c0"></span>reference<span style="background:#e07b39"></span>current</span></div>
<h2>Features, most drifted first</h2>
<table><tr><th>feature</th><th>method</th><th>statistic</th><th>p-value</th><th>threshold</th><th>verdict</th><th>distribution</th></tr>
${rows}</table>
${prediction}
${list(SKIPPED_TITLE, n.skipped)}
${list(INFINITE_TITLE, n.infinite)}
${perf}
</body></html>
`;
}

/** TEXT_TOP is how many features the terminal summary lists (most drifted first). */
const TEXT_TOP = 10;

/**
 * renderText gives the report as a summary for a terminal: the verdicts, the most drifted
 * features with their statistic and p-value, the prediction, what was not compared, infinite
 * values and performance. The full report is --format html|json|md.
 */
export function renderText(r: OfflineReport): string {
  const sorted = [...r.features].sort((a, b) => severity(b) - severity(a));
  const top = sorted.slice(0, TEXT_TOP);
  const table = [
    ['feature', 'type', 'method', 'statistic', 'p-value', 'threshold', 'verdict'],
    ...top.map((f) => [
      f.name,
      f.type,
      f.method,
      num(f.statistic),
      num(f.p_value),
      String(f.threshold),
      f.drifted ? 'DRIFTED' : 'stable',
    ]),
  ];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  const lines = [
    'Vigil drift report',
    `Reference: ${r.baseline.file} (${r.baseline.records} rows)`,
    `Current:   ${r.current.file} (${r.current.records} rows)`,
    '',
    summaryLine(r),
    '',
    ...table.map((row) => `  ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()),
  ];
  if (sorted.length > top.length)
    lines.push(
      `  … ${sorted.length - top.length} more (${sorted.slice(top.length).filter((f) => f.drifted).length} drifted): --format html|json|md for all`,
    );
  if (r.prediction)
    lines.push(
      '',
      `Prediction (${r.prediction.name}): ${r.prediction.method} ${num(r.prediction.statistic)}` +
        `${r.prediction.p_value !== null ? `, p-value ${num(r.prediction.p_value)}` : ''} — ${r.prediction.drifted ? 'DRIFTED' : 'stable'}`,
    );
  const n = notes(r);
  if (n.skipped.length) lines.push('', `${SKIPPED_TITLE}:`, ...n.skipped.map((x) => `  ${x}`));
  if (n.infinite.length) lines.push('', `${INFINITE_TITLE}:`, ...n.infinite.map((x) => `  ${x}`));
  if (r.performance) {
    const p = r.performance;
    lines.push(
      '',
      `Performance (${p.task}${p.positive_label ? `, positive = ${p.positive_label}` : ''}): ` +
        `${p.primary.metric} ${num(p.primary.current, 3)}` +
        `${p.primary.reference !== null ? ` (reference ${num(p.primary.reference, 3)})` : ''}` +
        ` — ${p.degraded ? 'DEGRADED' : p.primary.current === null || p.primary.reference === null ? 'not judged' : 'ok'}`,
    );
    const metrics = Object.entries(p.metrics).filter(([, v]) => v !== null);
    if (metrics.length) lines.push(`  ${metrics.map(([k, v]) => `${k} ${num(v, 3)}`).join(' · ')}`);
  }
  return `${lines.join('\n')}\n`;
}
