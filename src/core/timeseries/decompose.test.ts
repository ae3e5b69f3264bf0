import { describe, expect, it } from 'vitest';
import { phaseIndex, type SeasonalProfile, SeasonalTrendModel, type SmoothingRates } from './decompose.js';

const HOUR = 3_600_000;
const rates: SmoothingRates = { level: 0.1, trend: 0, trendDamping: 1, seasonal: [0.5] };
const dayProfile = (): SeasonalProfile => ({
  periodMs: 24 * HOUR,
  bucketMs: HOUR,
  values: new Float64Array(24),
});

describe('SeasonalTrendModel', () => {
  it('starts at the first value and converges to a new level', () => {
    const m = new SeasonalTrendModel();
    m.update(0, 10, Number.POSITIVE_INFINITY, rates);
    expect(m.expected(HOUR)).toBe(10);
    for (let i = 1; i < 200; i++) m.update(i * HOUR, 20, Number.POSITIVE_INFINITY, rates);
    expect(m.expected(200 * HOUR)).toBeCloseTo(20, 6);
  });

  it('moves only by the clipped residual, so a spike barely shifts it', () => {
    const m = new SeasonalTrendModel();
    m.update(0, 10, Number.POSITIVE_INFINITY, rates);
    m.update(HOUR, 1e6, 2, rates);
    expect(m.level).toBeCloseTo(10 + 0.1 * 2, 12);
  });

  it('learns a seasonal bucket and adds it to the forecast', () => {
    const m = new SeasonalTrendModel([dayProfile()]);
    m.update(0, 0, Number.POSITIVE_INFINITY, rates);
    for (let d = 1; d < 40; d++)
      m.update(d * 24 * HOUR + 3 * HOUR, 5, Number.POSITIVE_INFINITY, { ...rates, level: 0 });
    expect(m.seasonal(3 * HOUR)).toBeCloseTo(5, 6);
    expect(m.expected(50 * 24 * HOUR + 3 * HOUR)).toBeCloseTo(5, 6);
    expect(m.expected(50 * 24 * HOUR + 4 * HOUR)).toBeCloseTo(0, 6);
  });

  it('follows a trend when the slope is learnt', () => {
    const m = new SeasonalTrendModel();
    const trending = { level: 0.5, trend: 0.1, trendDamping: 1, seasonal: [] };
    for (let i = 0; i < 500; i++) m.update(i, 2 * i, Number.POSITIVE_INFINITY, trending);
    expect(m.slope).toBeCloseTo(2, 3);
    expect(m.expected(500)).toBeCloseTo(1000, 1);
  });

  it('scales the seasonal profiles and copies them on construction', () => {
    const p = dayProfile();
    p.values[1] = 3;
    const m = new SeasonalTrendModel([p]);
    m.scaleSeasonal(2);
    expect(m.seasonal(HOUR)).toBe(6);
    expect(p.values[1]).toBe(3);
  });

  it('maps timestamps before 1970 to a valid phase', () => {
    expect(phaseIndex(dayProfile(), -HOUR)).toBe(23);
  });
});
