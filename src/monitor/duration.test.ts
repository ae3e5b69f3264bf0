import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads seconds to weeks', () => {
    expect(parseDuration('90s', 'x')).toBe(90_000);
    expect(parseDuration('15m', 'x')).toBe(900_000);
    expect(parseDuration('1h', 'x')).toBe(3_600_000);
    expect(parseDuration('7d', 'x')).toBe(604_800_000);
    expect(parseDuration('2w', 'x')).toBe(1_209_600_000);
  });

  it('names the field on nonsense', () => {
    for (const bad of ['', '1', 'h', '1y', '-1h', '0h', 3600, null, '1h; DROP TABLE'])
      expect(() => parseDuration(bad, 'cadence')).toThrow(/cadence/);
  });
});
