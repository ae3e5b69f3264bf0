// Forecast metrics against forecast-refvectors.json (scripts/refvectors/forecast_vectors.py:
// scikit-learn for MAE, RMSE, MAPE and the pinball loss; sktime's definitions in numpy for
// sMAPE and MASE), to 1e-9 relative. A case whose function has no handler fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addForecastSums,
  emptyForecastSums,
  forecastBias,
  forecastMae,
  forecastMape,
  forecastMase,
  forecastMetricsFromSums,
  forecastRmse,
  forecastSmape,
  forecastSums,
  intervalMetrics,
  meanPinballLoss,
  seasonalNaiveScale,
  seasonalNaiveScaleAt,
} from './forecast.js';

// biome-ignore lint/suspicious/noExplicitAny: the JSON cases are heterogeneous by design.
type Json = any;
const file = JSON.parse(readFileSync(new URL('./forecast-refvectors.json', import.meta.url), 'utf8')) as {
  cases: Array<{ name: string; function: string; inputs: Json; expected: Record<string, number> }>;
};

const REL = 1e-9;
function close(actual: number, expected: number): void {
  const tol = Math.max(REL * Math.abs(expected), 1e-15);
  if (!(Math.abs(actual - expected) <= tol))
    expect.fail(`${actual} differs from ${expected} by ${Math.abs(actual - expected)} (> ${tol})`);
}

const handlers: Record<string, (inputs: Json) => Record<string, number>> = {
  point: (i) => ({
    mae: forecastMae(i.y, i.yhat),
    rmse: forecastRmse(i.y, i.yhat),
    mape: forecastMape(i.y, i.yhat),
    smape: forecastSmape(i.y, i.yhat),
    bias: forecastBias(i.y, i.yhat),
  }),
  mase: (i) => ({ mase: forecastMase(i.y, i.yhat, i.y_train, i.sp) }),
  pinball: (i) => ({ pinball: meanPinballLoss(i.y, i.q, i.alpha) }),
  interval: (i) => intervalMetrics(i.y, i.lower, i.upper, i.level),
};

describe('forecast metrics against the reference vectors', () => {
  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const handler = handlers[c.function];
    if (!handler) expect.fail(`no handler for ${c.function}`);
    const got = handler(c.inputs);
    for (const [metric, expected] of Object.entries(c.expected)) close(got[metric] as number, expected);
  });
  it('covers MAE, RMSE, MAPE, sMAPE, MASE, bias, coverage, width and pinball', () => {
    const metrics = new Set(file.cases.flatMap((c) => Object.keys(c.expected)));
    expect([...metrics].sort()).toEqual(
      ['bias', 'coverage', 'mae', 'mape', 'mase', 'pinball', 'rmse', 'smape', 'width'].sort(),
    );
  });
});

describe('forecast sums', () => {
  it('merge by addition: two halves summed equal the whole', () => {
    const points = Array.from({ length: 20 }, (_, i) => ({
      y: Math.sin(i) * 10 + 20,
      yhat: Math.cos(i) * 3 + 20,
      lower: 15,
      upper: 25,
      level: 0.9,
      scale: 2,
    }));
    const whole = forecastMetricsFromSums(forecastSums(points));
    const merged = forecastMetricsFromSums(
      addForecastSums(forecastSums(points.slice(0, 7)), forecastSums(points.slice(7))),
    );
    for (const [k, v] of Object.entries(whole))
      close(merged[k as keyof typeof merged] as number, v as number);
  });
  it('are null where nothing was measured', () => {
    expect(forecastMetricsFromSums(emptyForecastSums())).toEqual({
      mae: null,
      rmse: null,
      mape: null,
      smape: null,
      mase: null,
      bias: null,
      coverage: null,
      width: null,
      pinball: null,
    });
  });
  it('scale each series by its own seasonal naive MAE', () => {
    // Two series with scales 1 and 10: an error of 1 in each is 1 and 0.1 scaled; MASE 0.55.
    const s = forecastSums([
      { y: 5, yhat: 6, scale: 1 },
      { y: 50, yhat: 51, scale: 10 },
    ]);
    close(forecastMetricsFromSums(s).mase as number, 0.55);
  });
});

describe('seasonal naive scale', () => {
  it('on timestamps with gaps equals the index form on a regular series', () => {
    const y = [1, 4, 2, 8, 5, 7, 3, 9];
    const times = y.map((_, i) => 1_000 + i * 3_600_000);
    close(seasonalNaiveScaleAt(times, y, 2 * 3_600_000), seasonalNaiveScale(y, 2));
  });
  it('skips pairs whose lagged time is missing', () => {
    // times 0, 1, 3 (hours): only (1, 0) is a lag-1 pair.
    close(seasonalNaiveScaleAt([0, 3_600_000, 3 * 3_600_000], [1, 4, 100], 3_600_000), 3);
  });
  it('is NaN when the series is not longer than the season', () => {
    expect(seasonalNaiveScale([1, 2], 2)).toBeNaN();
  });
});
