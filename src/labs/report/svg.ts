/**
 * Inline SVG charts for the HTML report: plain elements with fixed geometry, no script and no
 * external resource, so the report opens anywhere (a mail attachment, an air-gapped laptop).
 * Every text goes through `esc`; feature and part names come from callers.
 */

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PALETTE = {
  bar: '#3b6fd8',
  warn: '#d8893b',
  bad: '#c8423b',
  good: '#3b9a5a',
  grid: '#e3e6ec',
  text: '#1d2330',
  muted: '#6b7385',
} as const;

const fmt = (v: number) =>
  Math.abs(v) >= 100 || Number.isInteger(v) ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);

function frame(kind: string, label: string, w: number, h: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(kind)}" role="img" ` +
    `aria-label="${esc(label)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">` +
    `<title>${esc(label)}</title>${body}</svg>`
  );
}

export interface Bar {
  label: string;
  value: number;
  color?: keyof typeof PALETTE;
  /** text shown after the bar instead of the value. */
  note?: string;
}

/** barChart draws labelled horizontal bars scaled to the largest value. */
export function barChart(kind: string, label: string, bars: readonly Bar[]): string {
  const w = 640;
  const row = 26;
  const left = 170;
  // Room for the longest note after its bar (about 7 px a character at 12 px).
  const right = Math.max(90, ...bars.map((b) => (b.note ?? fmt(b.value)).length * 7 + 12));
  const h = Math.max(1, bars.length) * row + 10;
  const max = Math.max(1e-12, ...bars.map((b) => b.value));
  let body = '';
  if (bars.length === 0)
    body = `<text x="10" y="22" fill="${PALETTE.muted}" font-size="13">no data yet</text>`;
  bars.forEach((b, i) => {
    const y = 5 + i * row;
    const len = Math.max(b.value > 0 ? 1 : 0, ((w - left - right) * b.value) / max);
    const name = b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label;
    body +=
      `<text x="${left - 8}" y="${y + 17}" text-anchor="end" fill="${PALETTE.text}" font-size="13">${esc(name)}</text>` +
      `<rect class="bar" x="${left}" y="${y + 4}" width="${len.toFixed(1)}" height="${row - 8}" rx="2" fill="${PALETTE[b.color ?? 'bar']}"/>` +
      `<text x="${(left + len + 6).toFixed(1)}" y="${y + 17}" fill="${PALETTE.muted}" font-size="12">${esc(b.note ?? fmt(b.value))}</text>`;
  });
  return frame(kind, label, w, h, body);
}

/** columnChart draws vertical columns (the importance distribution 1–5). */
export function columnChart(kind: string, label: string, columns: readonly Bar[]): string {
  const w = 360;
  const h = 190;
  const base = 160;
  const colW = (w - 40) / Math.max(1, columns.length);
  const max = Math.max(1e-12, ...columns.map((c) => c.value));
  let body = `<line x1="20" y1="${base}" x2="${w - 20}" y2="${base}" stroke="${PALETTE.grid}"/>`;
  columns.forEach((c, i) => {
    const x = 20 + i * colW;
    const hh = (120 * c.value) / max;
    body +=
      `<rect class="bar" x="${(x + 8).toFixed(1)}" y="${(base - hh).toFixed(1)}" width="${(colW - 16).toFixed(1)}" height="${hh.toFixed(1)}" rx="2" fill="${PALETTE[c.color ?? 'bar']}"/>` +
      `<text x="${(x + colW / 2).toFixed(1)}" y="${(base - hh - 6).toFixed(1)}" text-anchor="middle" fill="${PALETTE.muted}" font-size="12">${esc(c.note ?? fmt(c.value))}</text>` +
      `<text x="${(x + colW / 2).toFixed(1)}" y="${base + 18}" text-anchor="middle" fill="${PALETTE.text}" font-size="13">${esc(c.label)}</text>`;
  });
  return frame(kind, label, w, h, body);
}

/**
 * intervalChart draws an estimate with its interval on a 0…max scale: a bar to the estimate and
 * a whisker from lo to hi (the too-slow share with its Wilson interval, the monthly cost with
 * its bootstrap interval).
 */
export function intervalChart(
  kind: string,
  label: string,
  value: number | null,
  interval: readonly [number, number] | null,
  opts: { max: number; format: (v: number) => string; color?: keyof typeof PALETTE },
): string {
  const w = 640;
  const h = 70;
  const left = 20;
  const span = w - 2 * left;
  const x = (v: number) => left + (span * Math.min(Math.max(v, 0), opts.max)) / Math.max(opts.max, 1e-12);
  let body = `<line x1="${left}" y1="40" x2="${w - left}" y2="40" stroke="${PALETTE.grid}" stroke-width="10" stroke-linecap="round"/>`;
  if (value === null) {
    body += `<text x="${left}" y="20" fill="${PALETTE.muted}" font-size="13">no data yet</text>`;
    return frame(kind, label, w, h, body);
  }
  body += `<rect class="bar" x="${left}" y="35" width="${(x(value) - left).toFixed(1)}" height="10" rx="3" fill="${PALETTE[opts.color ?? 'bar']}"/>`;
  if (interval) {
    const [lo, hi] = interval;
    body +=
      `<line class="whisker" x1="${x(lo).toFixed(1)}" y1="40" x2="${x(hi).toFixed(1)}" y2="40" stroke="${PALETTE.text}" stroke-width="2"/>` +
      `<line x1="${x(lo).toFixed(1)}" y1="32" x2="${x(lo).toFixed(1)}" y2="48" stroke="${PALETTE.text}" stroke-width="2"/>` +
      `<line x1="${x(hi).toFixed(1)}" y1="32" x2="${x(hi).toFixed(1)}" y2="48" stroke="${PALETTE.text}" stroke-width="2"/>`;
  }
  const text = interval
    ? `${opts.format(value)} (interval ${opts.format(interval[0])} – ${opts.format(interval[1])})`
    : opts.format(value);
  body += `<text x="${left}" y="20" fill="${PALETTE.text}" font-size="13">${esc(text)}</text>`;
  return frame(kind, label, w, h, body);
}
