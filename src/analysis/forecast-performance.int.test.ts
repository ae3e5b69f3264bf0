import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestService } from '../ingest/index.js';
import type { Store } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { measureForecastPerformance } from './forecast-performance.js';
import { modelContext } from './model-context.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2);

describe(`forecast actuals join by series and target time (${testEngine})`, () => {
  let store: Store;
  let ingest: IngestService;
  beforeEach(async () => {
    store = await openTestStore();
    ingest = new IngestService({ store, queue: new WriteQueue({ store }) });
  });
  afterEach(async () => dropTestStore(store));
  afterAll(() => cleanupTestDataDir());

  const send = async (kind: 'records' | 'actuals', values: unknown[]) => {
    const r = await ingest.ingestValues(
      kind,
      'default',
      values.map((value, index) => ({ index, value })),
    );
    expect(r.errors).toEqual([]);
    return r;
  };
  const window = { environment: 'production' };
  const measure = (labelsAsOfMs?: number) =>
    measureForecastPerformance(store, {
      project: 'default',
      model: 'fc',
      window,
      granularity: 'all',
      labelsAsOfMs,
      config: {},
    });

  // Target times T0 + 24h .. T0 + 24h + 5h; each is forecast at 1h, 24h and 7d ahead, on two series.
  const targets = Array.from({ length: 6 }, (_, i) => T0 + DAY + i * HOUR);
  const forecasts = (series: string) =>
    targets.flatMap((t, i) =>
      [
        ['PT1H', HOUR, 1],
        ['PT24H', DAY, 2],
        ['P7D', 7 * DAY, 3],
      ].map(([h, ms, err]) => ({
        model: 'fc',
        id: `${series}-${i}-${h}`,
        timestamp: t - (ms as number),
        tags: { series },
        prediction: { value: 100 + i + (err as number), horizon: h, target_time: t },
      })),
    );
  const actuals = (series: string, at: number) =>
    targets.map((t, i) => ({
      model: 'fc',
      series,
      target_time: t,
      actual: { value: 100 + i },
      timestamp: at,
    }));

  it('one actual settles every horizon, whether it arrives before or after the forecasts', async () => {
    // Series "a": actuals first; series "b": forecasts first.
    await send('actuals', actuals('a', T0 + 2 * DAY));
    await send('records', [...forecasts('a'), ...forecasts('b')]);
    await send('actuals', actuals('b', T0 + 3 * DAY));
    const ctx = await modelContext(store, { get: async () => undefined } as never, 'default', 'fc');
    expect(ctx.task).toBe('forecast');
    const all = await measure();
    expect(all.horizons.map((h) => [h.horizon, h.count, h.labeled])).toEqual([
      ['PT1H', 12, 12],
      ['PT24H', 12, 12],
      ['P7D', 12, 12],
    ]);
    expect(all.horizons.map((h) => h.metrics['mae'])).toEqual([1, 2, 3]);
    expect(all.horizons.map((h) => h.metrics['bias'])).toEqual([1, 2, 3]);
    // As of before series b's actuals arrived, only series a is settled.
    const before = await measure(T0 + 2.5 * DAY);
    expect(before.horizons.map((h) => h.labeled)).toEqual([6, 6, 6]);
  });

  it('a re-sent actual replaces the earlier one for every horizon', async () => {
    await send('records', forecasts('a'));
    await send('actuals', actuals('a', T0 + 2 * DAY));
    await send('actuals', [
      { model: 'fc', series: 'a', target_time: targets[0], actual: { value: 0 }, timestamp: T0 + 3 * DAY },
    ]);
    const all = await measure();
    expect(all.horizons.map((h) => h.labeled)).toEqual([6, 6, 6]);
    // Target 0's error grows by 100 at every horizon: MAE + 100/6.
    expect(all.horizons.map((h) => h.metrics['mae'])).toEqual([1, 2, 3].map((e) => (5 * e + 100 + e) / 6));
  });

  it('intervals give coverage, width and pinball per horizon', async () => {
    await send('records', [
      {
        model: 'fc',
        id: 'x',
        timestamp: T0,
        prediction: { value: 10, horizon: 'PT1H', lower: 8, upper: 12, level: 0.8 },
      },
      {
        model: 'fc',
        id: 'y',
        timestamp: T0 + HOUR,
        prediction: { value: 10, horizon: 'PT1H', lower: 9, upper: 11, level: 0.8 },
      },
    ]);
    await send('actuals', [
      { model: 'fc', target_time: T0 + HOUR, actual: { value: 11.5 } },
      { model: 'fc', target_time: T0 + 2 * HOUR, actual: { value: 11.5 } },
    ]);
    const [h] = (await measure()).horizons;
    expect(h?.metrics['coverage']).toBe(0.5);
    expect(h?.metrics['width']).toBe(3);
    // x: y inside; lower 0.1·3.5 = 0.35, upper 0.1·0.5 = 0.05 → 0.2. y: above; lower 0.1·2.5 = 0.25,
    // upper 0.9·0.5 = 0.45 → 0.35. Mean 0.275.
    expect(h?.metrics['pinball']).toBeCloseTo(0.275, 12);
  });
});
