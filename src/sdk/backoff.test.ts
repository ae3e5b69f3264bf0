import { describe, expect, it } from 'vitest';
import { backoffDelayMs, MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from './backoff.js';

const opts = { initialMs: 100, maxMs: 5000 };
const lowest = () => 0;
const highest = () => 0.999_999;

describe('backoffDelayMs', () => {
  type Case = { name: string; attempt: number; random: () => number; expected: number };
  const cases: Case[] = [
    { name: 'first retry, least jitter: half the first step', attempt: 1, random: lowest, expected: 50 },
    { name: 'first retry, most jitter: the whole first step', attempt: 1, random: highest, expected: 100 },
    { name: 'doubles per attempt', attempt: 3, random: lowest, expected: 200 },
    { name: 'capped at maxMs', attempt: 12, random: highest, expected: 5000 },
    {
      name: 'capped even for absurd attempts (no Infinity)',
      attempt: 10_000,
      random: lowest,
      expected: 2500,
    },
    { name: 'attempt 0 behaves as the first', attempt: 0, random: lowest, expected: 50 },
  ];
  it.each(cases)('$name', ({ attempt, random, expected }) => {
    expect(backoffDelayMs(attempt, opts, random)).toBe(expected);
  });

  it('never waits less than half a step nor more than a step', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      const step = Math.min(opts.maxMs, opts.initialMs * 2 ** (attempt - 1));
      for (let k = 0; k < 50; k++) {
        const d = backoffDelayMs(attempt, opts);
        expect(d).toBeGreaterThanOrEqual(step / 2);
        expect(d).toBeLessThanOrEqual(step);
      }
    }
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 10, 29, 8, 0, 0);
  type Case = { name: string; header: string | null | undefined; expected: number | undefined };
  const cases: Case[] = [
    { name: 'absent', header: null, expected: undefined },
    { name: 'undefined', header: undefined, expected: undefined },
    { name: 'blank', header: '  ', expected: undefined },
    { name: 'delta-seconds', header: '1', expected: 1000 },
    { name: 'zero', header: '0', expected: 0 },
    { name: 'HTTP-date 30 s ahead', header: 'Sun, 29 Nov 2026 08:00:30 GMT', expected: 30_000 },
    { name: 'HTTP-date in the past waits nothing', header: 'Sun, 29 Nov 2026 07:00:00 GMT', expected: 0 },
    { name: 'a day is capped', header: '86400', expected: MAX_RETRY_AFTER_MS },
    { name: 'garbage is ignored', header: 'soon', expected: undefined },
    { name: 'negative is not delta-seconds', header: '-5', expected: undefined },
  ];
  it.each(cases)('$name', ({ header, expected }) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  it('waits at least what Retry-After asks, with at most 20% jitter on top', () => {
    expect(retryDelayMs(7, 1000, opts, lowest)).toBe(1000);
    expect(retryDelayMs(7, 1000, opts, highest)).toBe(1200);
    expect(retryDelayMs(1, 0, opts, highest)).toBe(0);
  });
  it('backs off exponentially without Retry-After', () => {
    expect(retryDelayMs(2, undefined, opts, lowest)).toBe(100);
  });
});
