// Reads a pasted or uploaded series into what POST /v1/anomalies/detect takes. Accepts CSV or
// TSV with a header naming the time and value columns (or two bare columns), a JSON array of
// {timestamp, value}, or {"series": [...]}. Errors name the line, as the API's errors name the field.

export interface SeriesInput {
  timestamp: string | number;
  value: number;
}

export type ParseResult = { ok: true; series: SeriesInput[] } | { ok: false; error: string };

const TIME_NAMES = ['timestamp', 'time', 'ts', 'date', 'datetime', 'start'];
const VALUE_NAMES = ['value', 'y', 'count', 'metric', 'amount'];

function readTime(raw: string): string | number {
  return /^\d{9,}$/.test(raw) ? Number(raw) : raw;
}

function fromJson(text: string): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const arr = Array.isArray(doc) ? doc : (doc as { series?: unknown } | null)?.series;
  if (!Array.isArray(arr))
    return { ok: false, error: 'JSON: expected an array of {timestamp, value} or {"series": [...]}' };
  const series: SeriesInput[] = [];
  for (let i = 0; i < arr.length; i++) {
    const p = arr[i] as Record<string, unknown> | null;
    const t = p?.['timestamp'];
    const v = p?.['value'];
    if (typeof t !== 'string' && typeof t !== 'number')
      return { ok: false, error: `item ${i}: timestamp is missing` };
    if (typeof v !== 'number' || !Number.isFinite(v))
      return { ok: false, error: `item ${i}: value must be a finite number` };
    series.push({ timestamp: t, value: v });
  }
  return { ok: true, series };
}

function fromDelimited(text: string): ParseResult {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const sep = first.includes('\t') ? '\t' : first.includes(';') && !first.includes(',') ? ';' : ',';
  const cells = (l: string) => l.split(sep).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const head = cells(first).map((c) => c.toLowerCase());
  const hasHeader = head.some((c) => Number.isNaN(Number(c)) && Number.isNaN(Date.parse(c)));
  let ti = 0;
  let vi = 1;
  if (hasHeader) {
    ti = head.findIndex((c) => TIME_NAMES.includes(c));
    vi = head.findIndex((c) => VALUE_NAMES.includes(c));
    if (ti < 0) ti = 0;
    if (vi < 0) vi = head.length > 1 ? (ti === 0 ? 1 : 0) : -1;
    if (vi < 0) return { ok: false, error: 'header: no value column (name one "value")' };
  }
  const series: SeriesInput[] = [];
  for (let i = hasHeader ? 1 : 0; i < lines.length; i++) {
    const row = cells(lines[i] ?? '');
    const t = row[ti] ?? '';
    const v = Number(row[vi]);
    if (t === '') return { ok: false, error: `line ${i + 1}: no timestamp` };
    if (!Number.isFinite(v) || row[vi] === '')
      return { ok: false, error: `line ${i + 1}: value "${row[vi] ?? ''}" is not a number` };
    series.push({ timestamp: readTime(t), value: v });
  }
  return { ok: true, series };
}

export function parseSeries(text: string): ParseResult {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'nothing to read: paste a series or choose a file' };
  const r = t.startsWith('[') || t.startsWith('{') ? fromJson(t) : fromDelimited(t);
  if (r.ok && r.series.length < 3)
    return { ok: false, error: `only ${r.series.length} points; a series needs at least 3` };
  return r;
}
