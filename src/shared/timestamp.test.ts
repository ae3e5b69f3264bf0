import { describe, expect, it } from 'vitest';
import { parseTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it('reads RFC 3339 with and without zones, and epoch ms', () => {
    expect(parseTimestamp('2026-11-29T08:00:00Z')).toBe(Date.UTC(2026, 10, 29, 8));
    expect(parseTimestamp('2026-11-29T09:00:00+01:00')).toBe(Date.UTC(2026, 10, 29, 8));
    expect(parseTimestamp('2026-11-29 08:00:00')).toBe(Date.UTC(2026, 10, 29, 8));
    expect(parseTimestamp('2026-11-29T08:00:00.123Z')).toBe(Date.UTC(2026, 10, 29, 8, 0, 0, 123));
    expect(parseTimestamp('2026-11-29')).toBe(Date.UTC(2026, 10, 29));
    expect(parseTimestamp(1764403200000)).toBe(1764403200000);
  });
  it('says why a value is not a time', () => {
    expect(parseTimestamp('yesterday')).toMatch(/not an RFC 3339/);
    expect(parseTimestamp('2026-13-45T99:00:00Z')).toMatch(/not a valid date/);
    // Date.parse reads a day past the month's end as the next month (2 March): a typo, not a time.
    expect(parseTimestamp('2026-02-30 00:00:00')).toMatch(/not a valid date/);
    expect(parseTimestamp('2026-02-29')).toMatch(/not a valid date/);
    expect(parseTimestamp('2026-04-31T00:00:00Z')).toMatch(/not a valid date/);
    expect(parseTimestamp('2028-02-29T12:00:00Z')).toBe(Date.UTC(2028, 1, 29, 12));
    expect(parseTimestamp(1764403200)).toMatch(/epoch seconds/);
    expect(parseTimestamp(true)).toMatch(/must be/);
    expect(parseTimestamp(Number.NaN)).toMatch(/finite/);
    expect(parseTimestamp('2500-01-01T00:00:00Z')).toMatch(/outside/);
  });
});
