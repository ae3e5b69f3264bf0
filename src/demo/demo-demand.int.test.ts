import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureForecastPerformance } from '../analysis/index.js';
import { IngestService } from '../ingest/index.js';
import { monitorIdOf } from '../monitor/monitor-spec.js';
import { replayMonitors } from '../monitor/replay.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { demoMonitors } from './demo-monitors.js';
import { DEMO_DAYS, SHIFT_DAY, seedDemand } from './demo-workspace.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.UTC(2026, 11, 1);
const START = END - DEMO_DAYS * DAY;

describe(`the demo's demand forecaster (${testEngine})`, () => {
  let store: Store;
  let ingest: IngestService;
  beforeEach(async () => {
    store = await openTestStore();
    ingest = new IngestService({ store, queue: new WriteQueue({ store }) });
  });
  afterEach(async () => dropTestStore(store));
  afterAll(() => cleanupTestDataDir());

  it('forecasts 1h/24h/7d; the regime change degrades 7d only, and the demo monitor alerts on it', async () => {
    await seedDemand(
      async (kind, values) => {
        const r = await ingest.ingestValues(
          kind,
          'default',
          values.map((value, index) => ({ index, value })),
        );
        expect(r.rejected).toBe(0);
      },
      START,
      END,
    );
    const shift = START + SHIFT_DAY * DAY;
    const perf = (fromMs: number, toMs: number) =>
      measureForecastPerformance(store, {
        project: 'default',
        model: 'demand',
        window: { environment: 'production', fromMs, toMs },
        granularity: 'all',
        config: {},
      });
    const mase = (p: Awaited<ReturnType<typeof perf>>) =>
      Object.fromEntries(p.horizons.map((h) => [h.horizon, h.metrics['mase'] as number]));
    const before = mase(await perf(shift - 14 * DAY, shift));
    const after = mase(await perf(shift + 2 * DAY, END));
    expect(Object.keys(before)).toEqual(['PT1H', 'PT24H', 'P7D']);
    for (const v of Object.values(before)) expect(v).toBeLessThan(1);
    expect(after['PT1H']).toBeLessThan(1);
    expect(after['P7D']).toBeGreaterThan(1.5);

    const spec = demoMonitors().find((m) => m.spec.model === 'demand')?.spec;
    if (!spec) throw new Error('no demand monitor in the demo');
    const replay = await replayMonitors({
      store,
      entities: new Entities(store, { nowMs: () => END }),
      project: 'default',
      monitors: [{ ...spec, id: monitorIdOf(spec.name), created: 0, updated: 0 }],
      fromMs: shift - 5 * DAY,
      toMs: END,
      stepMs: DAY,
    });
    expect(replay.errors).toEqual([]);
    const opened = replay.events.find((e) => e.state === 'alert');
    expect(opened).toBeDefined();
    expect(Date.parse(opened?.time ?? '')).toBeGreaterThan(shift);
    expect(Date.parse(opened?.time ?? '')).toBeLessThanOrEqual(shift + 3 * DAY);
  }, 300_000);
});
