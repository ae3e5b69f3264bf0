import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { createDetector } from './detector.js';
import { gaussian, mulberry32 } from './synthetic.js';

const START = Date.UTC(2024, 0, 1);
const noise = gaussian(mulberry32(11));
const series = Array.from({ length: 1500 }, (_, i) => ({
  timestamp: START + i * 300_000,
  value: (i < 1000 ? 20 : 35) + noise() + (i === 600 ? 30 : 0),
}));

describe('detect', () => {
  const result = detect(series, { sensitivity: 'medium' });

  it('answers in the API shape: points, changepoints, seasonality, events', () => {
    expect(Object.keys(result).sort()).toEqual(['changepoints', 'events', 'points', 'seasonality']);
    expect(result.points).toHaveLength(series.length);
    expect(Object.keys(result.points[0] ?? {}).sort()).toEqual(
      ['anomaly', 'expected', 'lower', 'lower95', 'score', 'timestamp', 'upper', 'upper95', 'value'].sort(),
    );
    expect(result.seasonality).toMatchObject({ kind: 'none', periodsMs: [] });
  });

  it('flags the spike and reports the level shift as a change point', () => {
    expect(result.points[600]?.anomaly).toBe(true);
    expect(result.changepoints).toHaveLength(1);
    expect(result.changepoints[0]).toBeGreaterThanOrEqual(series[1000]?.timestamp ?? 0);
  });

  it('is exactly the streaming detector, point by point', () => {
    const detector = createDetector({ sensitivity: 'medium' });
    const streamed = series.map((p) => {
      const { changepoint: _, ...rest } = detector.update(p);
      return rest;
    });
    expect(result.points).toEqual(streamed);
  });

  it('handles an empty series', () => {
    expect(detect([])).toMatchObject({ points: [], changepoints: [], seasonality: { kind: 'none' } });
  });
});
