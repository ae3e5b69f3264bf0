import { describe, expect, it } from 'vitest';
import { readSeries } from './series-input.js';

describe('readSeries', () => {
  it('sorts points and merges duplicate timestamps into their mean, saying so', () => {
    const r = readSeries([
      { timestamp: '2026-01-01T02:00:00Z', value: 3 },
      { timestamp: '2026-01-01T01:00:00Z', value: 1 },
      { timestamp: '2026-01-01T01:00:00Z', value: 2 },
    ]);
    expect(r.points).toEqual([
      { timestamp: Date.UTC(2026, 0, 1, 1), value: 1.5 },
      { timestamp: Date.UTC(2026, 0, 1, 2), value: 3 },
    ]);
    expect(r.repairs).toEqual({ sorted: true, merged: 1 });
  });
  it('names the point and field that is wrong', () => {
    expect(() => readSeries([{ timestamp: 1764403200000, value: 'x' }])).toThrow(
      /series\.0\.value: must be a finite number/,
    );
    expect(() => readSeries([{ timestamp: 'soon', value: 1 }])).toThrow(/series\.0\.timestamp/);
    expect(() => readSeries([])).toThrow(/empty/);
    expect(() => readSeries({})).toThrow(/must be an array/);
  });
});
