import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimeline } from '../cli/monitor-command.js';
import { buildServer, type VigilServer } from '../server/app.js';
import { postNdjson } from '../server/test-support.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { monitorIdOf, parseMonitorSpec } from './monitor-spec.js';
import { replayMonitors } from './replay.js';

// Issue 13, item 9: one monitor's error in a replay is reported with the monitor and the time
// step, and the replay goes on with the other monitors.

const t0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

let store: Store;
let server: VigilServer;
beforeEach(async () => {
  store = await openTestStore();
  server = await buildServer({ store });
});
afterEach(async () => {
  await server.close();
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

const monitor = (spec: Record<string, unknown>) => {
  const s = parseMonitorSpec(spec);
  return { ...s, id: monitorIdOf(s.name), created: 0, updated: 0 };
};

describe('monitor replay', () => {
  it("reports a monitor's error with its time step and still replays the others", async () => {
    const rows = [];
    for (let h = 0; h < 6; h++)
      for (let i = 0; i < 10; i++)
        rows.push({
          model: 'fraud',
          id: `r-${h}-${i}`,
          timestamp: t0 + h * HOUR + i * 60_000,
          prediction: { score: 0.5 },
          latency_ms: h >= 3 ? 500 : 10,
        });
    await postNdjson(server.app, '/v1/records', rows);
    const common = {
      kind: 'latency',
      metric: 'p99',
      window: '1h',
      cadence: '1h',
      policy: { alert_after: 1 },
    };
    const { events, errors } = await replayMonitors({
      store,
      entities: new Entities(store, { nowMs: () => t0 }),
      project: 'default',
      monitors: [
        monitor({ ...common, name: 'typo latency', model: 'credti', threshold: { op: '>', value: 100 } }),
        monitor({ ...common, name: 'fraud latency', model: 'fraud', threshold: { op: '>', value: 100 } }),
      ],
      fromMs: t0 + HOUR,
      toMs: t0 + 6 * HOUR,
      stepMs: HOUR,
    });
    expect(errors).toEqual([
      {
        time: new Date(t0 + HOUR).toISOString(),
        monitor: 'typo latency',
        error: expect.stringContaining('credti'),
      },
    ]);
    expect(events.filter((e) => e.monitor === 'fraud latency').map((e) => e.state)).toContain('alert');
    const text = formatTimeline(events, errors);
    expect(text).toContain(`${new Date(t0 + HOUR).toISOString()}  typo latency  ERROR`);
    expect(text).toContain('fraud latency  alert');
  });
});
