/** BackoffOptions bounds the wait between two attempts of one request. */
export interface BackoffOptions {
  /** initialMs is the wait after the first failure; it doubles per attempt. */
  initialMs: number;
  /** maxMs caps the exponential growth, so a long outage is still probed every maxMs or so. */
  maxMs: number;
}

/** MAX_RETRY_AFTER_MS caps what a server may ask for: a misconfigured proxy must not park a client for hours. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * backoffDelayMs gives the wait before retry number `attempt` (1 for the first retry):
 * exponential with "equal jitter", half of the step fixed and half random. Full jitter could
 * draw ~0 ms and hammer a server that is just coming back; no jitter makes every client of a
 * fleet that lost the server at once come back at once.
 */
export function backoffDelayMs(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * retryAfterMs reads a Retry-After header (RFC 9110 §10.2.3: delta-seconds or an HTTP-date)
 * into milliseconds from `nowMs`, capped at MAX_RETRY_AFTER_MS; undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // Date.parse reads "-5" as a year; an HTTP-date always names its day and month.
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/**
 * retryDelayMs decides the wait before a retry: what the server asked for when it said (plus up
 * to 20% jitter so a fleet told "1 s" does not return in lockstep), else exponential backoff.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (retryAfter !== undefined) return Math.round(retryAfter * (1 + 0.2 * random()));
  return backoffDelayMs(attempt, opts, random);
}
