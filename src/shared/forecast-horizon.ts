/*
 * Forecast horizons (docs/forecasting.md): how far ahead a forecast looks, given either as an
 * ISO 8601 duration of days and time ("PT1H", "PT24H", "P7D", "P1DT12H", "PT0.5S") or as a
 * number of steps of the series (a positive integer). Years and months are refused: their
 * length varies, and a horizon is a fixed distance in time.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const ISO =
  /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10}(?:\.\d{1,3})?)S)?)?$/i;
const SHORT = /^(\d{1,6})(s|m|h|d|w)$/;
const SHORT_MS: Record<string, number> = { s: 1000, m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };

/** MAX_HORIZON_STEPS bounds a horizon in steps; MAX_HORIZON_MS one in time (about 20 years). */
export const MAX_HORIZON_STEPS = 1_000_000;
export const MAX_HORIZON_MS = 7300 * DAY_MS;

/** Horizon is a forecast's horizon: a duration in ms, or a count of series steps. */
export type Horizon = { readonly ms: number } | { readonly steps: number };

export const HORIZON_FORMS =
  'an ISO 8601 duration of weeks, days and time such as "PT1H", "PT24H" or "P7D", or a whole number of steps';

/** parseIsoDuration reads "PT24H"-style durations into ms; anything else is a reason string. */
export function parseIsoDuration(text: string): number | string {
  const m = ISO.exec(text.trim());
  if (!m || text.trim() === 'P' || /T$/i.test(text.trim()))
    return `${JSON.stringify(text.slice(0, 40))} is not ${HORIZON_FORMS}`;
  const [, w, d, h, mi, s] = m;
  const ms =
    Number(w ?? 0) * 7 * DAY_MS +
    Number(d ?? 0) * DAY_MS +
    Number(h ?? 0) * HOUR_MS +
    Number(mi ?? 0) * 60_000 +
    Math.round(Number(s ?? 0) * 1000);
  if (ms <= 0) return 'must be longer than zero';
  if (ms > MAX_HORIZON_MS) return 'must be at most 7300 days';
  return ms;
}

/**
 * parseHorizon reads a record's `prediction.horizon`: an ISO 8601 duration or a whole number of
 * steps. With `short`, monitor-style durations ("1h", "7d") are read too.
 */
export function parseHorizon(v: unknown, opts: { short?: boolean } = {}): Horizon | string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > MAX_HORIZON_STEPS)
      return `a horizon in steps must be a whole number from 1 to ${MAX_HORIZON_STEPS}, got ${v}`;
    return { steps: v };
  }
  if (typeof v !== 'string') return `must be ${HORIZON_FORMS}`;
  if (opts.short === true) {
    const s = SHORT.exec(v.trim());
    if (s) {
      const ms = Number(s[1]) * SHORT_MS[s[2]!]!;
      return ms > 0 ? { ms } : 'must be longer than zero';
    }
  }
  const ms = parseIsoDuration(v);
  return typeof ms === 'string' ? ms : { ms };
}

/**
 * horizonLabel names a horizon in the API's answers: "P7D" for whole days past one day,
 * "PT24H"/"PT1H" for whole hours, then minutes, then seconds; "3 steps" for steps.
 *
 * @example horizonLabel({ ms: 86_400_000 }) // "PT24H"
 */
export function horizonLabel(h: Horizon): string {
  if ('steps' in h) return `${h.steps} step${h.steps === 1 ? '' : 's'}`;
  const ms = h.ms;
  if (ms > DAY_MS && ms % DAY_MS === 0) return `P${ms / DAY_MS}D`;
  if (ms % HOUR_MS === 0) return `PT${ms / HOUR_MS}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${ms / 1000}S`;
}

/** sameHorizon tells whether two horizons are the same (same unit, same amount). */
export function sameHorizon(a: Horizon, b: Horizon): boolean {
  if ('steps' in a) return 'steps' in b && a.steps === b.steps;
  return 'ms' in b && a.ms === b.ms;
}
