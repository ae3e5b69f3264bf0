// Number and time formatting. Times are shown in UTC, as the API returns them, so what an
// engineer reads on the page matches logs, alerts and queries.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compactFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const DASH = '—';

export function fmtInt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : intFmt.format(x);
}

export function fmtCompact(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : compactFmt.format(x);
}

/** fmtNum shows `digits` significant decimals for small values and fewer for large ones. */
export function fmtNum(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const a = Math.abs(x);
  if (a !== 0 && (a < 10 ** -digits || a >= 1e6)) return x.toExponential(2);
  if (a >= 1000) return intFmt.format(x);
  return x.toFixed(a >= 100 ? 1 : digits);
}

export function fmtPct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(digits)}%`;
}

export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return DASH;
  return p < 1e-4 ? '<0.0001' : p.toFixed(4);
}

export function fmtUsd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `$${x >= 100 ? intFmt.format(x) : x.toFixed(2)}`;
}

/** fmtMs shows a duration in ms, s, min or h, whichever keeps two or three significant digits. */
export function fmtMs(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  if (x < 1000) return `${x.toFixed(x >= 100 ? 0 : 1)} ms`;
  if (x < 60_000) return `${(x / 1000).toFixed(x < 10_000 ? 2 : 1)} s`;
  if (x < 3_600_000) return `${(x / 60_000).toFixed(1)} min`;
  return `${(x / 3_600_000).toFixed(1)} h`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function toMs(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** fmtTime is `YYYY-MM-DD HH:MM` in UTC. */
export function fmtTime(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return DASH;
  const d = new Date(toMs(t));
  if (Number.isNaN(d.getTime())) return DASH;
  return `${fmtDay(d.getTime())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function fmtDay(t: string | number): string {
  const d = new Date(toMs(t));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** fmtAgo is a coarse relative time ("3 h ago", "in 2 d"). */
export function fmtAgo(t: string | number | null | undefined, nowMs = Date.now()): string {
  if (t === null || t === undefined) return DASH;
  const diff = nowMs - toMs(t);
  if (!Number.isFinite(diff)) return DASH;
  const a = Math.abs(diff);
  const unit =
    a < 60_000
      ? `${Math.round(a / 1000)} s`
      : a < 3_600_000
        ? `${Math.round(a / 60_000)} min`
        : a < 2 * 86_400_000
          ? `${Math.round(a / 3_600_000)} h`
          : `${Math.round(a / 86_400_000)} d`;
  return diff >= 0 ? `${unit} ago` : `in ${unit}`;
}

/** fmtSpan is a duration in the largest unit that keeps it readable. */
export function fmtSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}min`;
}
