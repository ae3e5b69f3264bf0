import { describe, expect, it } from 'vitest';
import { bucketStartMs, DAY_MS, HOUR_MS, heatGranularity, WEEK_MS } from './time-buckets.js';

describe('time buckets (the table the server and the dashboard share)', () => {
  const cases = [
    {
      name: 'an hour starts on the hour',
      ms: Date.UTC(2026, 11, 9, 14, 37),
      width: HOUR_MS,
      start: Date.UTC(2026, 11, 9, 14),
    },
    {
      name: 'a day starts at 00:00 UTC',
      ms: Date.UTC(2026, 11, 9, 14, 37),
      width: DAY_MS,
      start: Date.UTC(2026, 11, 9),
    },
    {
      name: 'a week starts on Monday (Wed 9 Dec 2026 → Mon 7 Dec)',
      ms: Date.UTC(2026, 11, 9, 14),
      width: WEEK_MS,
      start: Date.UTC(2026, 11, 7),
    },
    {
      name: 'a Monday at 00:00 starts its own week',
      ms: Date.UTC(2026, 11, 7),
      width: WEEK_MS,
      start: Date.UTC(2026, 11, 7),
    },
    {
      name: 'a Sunday belongs to the week before',
      ms: Date.UTC(2026, 11, 6, 23),
      width: WEEK_MS,
      start: Date.UTC(2026, 10, 30),
    },
  ];
  it.each(cases)('$name', ({ ms, width, start }) => expect(bucketStartMs(ms, width)).toBe(start));

  it('picks the smallest heatmap bucket giving at most 36 columns', () => {
    expect(heatGranularity(36 * HOUR_MS).granularity).toBe('hour');
    expect(heatGranularity(37 * HOUR_MS).granularity).toBe('day');
    expect(heatGranularity(90 * DAY_MS).granularity).toBe('week');
    expect(heatGranularity(400 * WEEK_MS).granularity).toBe('week');
  });
});
