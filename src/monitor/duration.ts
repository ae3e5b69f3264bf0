import { badRequest } from '../shared/index.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * parseDuration reads a duration like `90s`, `15m`, `1h`, `7d` or `2w` into milliseconds;
 * anything else is a 400 naming the field.
 *
 * @example parseDuration('1d', 'window') // 86400000
 */
export function parseDuration(text: unknown, field: string): number {
  const m = typeof text === 'string' ? /^(\d{1,6})(s|m|h|d|w)$/.exec(text.trim()) : null;
  if (!m)
    throw badRequest(
      field,
      `must be a duration like 15m, 1h, 1d or 2w, got ${JSON.stringify(text)?.slice(0, 40)}`,
    );
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw badRequest(field, 'must be longer than zero');
  return ms;
}
