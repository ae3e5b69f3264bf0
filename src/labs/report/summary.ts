import type { LabsReport } from './compute.js';

/** money formats dollars for a sentence: cents under $100, whole dollars with separators above. */
export function money(usd: number): string {
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

/** count formats a volume with thousands separators (whole numbers, or 3 significant digits). */
export function count(n: number): string {
  if (Number.isInteger(n) || n >= 100) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(3)).toLocaleString('en-US');
}

/**
 * summarize writes the report's first line, the one sentence leadership asks for: "N% of the
 * users who use it find it too slow, X/5 say it matters, it would cost $Y a month at Z calls
 * a day." A figure without data says so instead of showing a made-up number.
 */
export function summarize(r: Omit<LabsReport, 'summary'>): string {
  const fb = r.feedback;
  const slow =
    fb.too_slow_share === null
      ? 'No user has rated its speed yet'
      : `${Math.round(fb.too_slow_share * 100)}% of the users who use it find it too slow`;
  const matters =
    fb.importance.mean === null
      ? 'nobody has rated its importance'
      : `${fb.importance.mean.toFixed(1)}/5 say it matters`;
  const p = r.cost.projection;
  const cost =
    p.usd_per_month === null
      ? 'its cost is unknown until it has served calls'
      : `it would cost ${money(p.usd_per_month)} a month at ${count(p.calls_per_day)} calls a day`;
  return `${slow}, ${matters}, ${cost}.`;
}
