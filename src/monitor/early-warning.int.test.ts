import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScenario, groundTruthBreach } from '../../bench/early-warning/scenarios.js';
import { referenceBaseline, writeScenario } from '../../bench/early-warning/store-scenario.js';
import { buildServer, type VigilServer } from '../server/index.js';
import { systemClock } from '../shared/clock.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { type Monitor, parseMonitorSpec } from './monitor-spec.js';
import { replayMonitors } from './replay.js';

// A bench scenario (gradual drift that costs accuracy; labels 7 days late) written through the
// ingest path, then replayed by the monitor service: the label-free monitor must warn before
// the realised-accuracy monitor can alert, and before the breach itself.
const scenario = createScenario('gradual', 1, { days: 52, recordsPerHour: 100 });
const breach = groundTruthBreach(scenario);

let store: Store;
let server: VigilServer;

beforeAll(async () => {
  store = await openTestStore();
  server = await buildServer({ store });
  await writeScenario(server.ingest, scenario);
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (store) await dropTestStore(store);
});

const asMonitor = (spec: ReturnType<typeof parseMonitorSpec>): Monitor => ({
  ...spec,
  id: spec.name,
  created: 0,
  updated: 0,
});

describe('early warning on a replayed scenario', () => {
  it('warns from the estimate days before the realised-accuracy alert', async () => {
    expect(breach).not.toBeNull();
    const baseline = referenceBaseline(scenario);
    const common = {
      model: 'ew',
      baseline,
      threshold: { op: '<', value: scenario.threshold },
      window: '1d',
      cadence: '1h',
    };
    const monitors = [
      asMonitor(
        parseMonitorSpec({ ...common, name: 'estimated', kind: 'estimated_performance', metric: 'accuracy' }),
      ),
      // Labels come 7 days late: the realised monitor looks back 8 days to see one labelled day.
      asMonitor(
        parseMonitorSpec({
          ...common,
          window: '8d',
          name: 'realized',
          kind: 'performance',
          metric: 'accuracy',
        }),
      ),
    ];
    const replay = (monitor: Monitor, stepHours: number) =>
      replayMonitors({
        store,
        entities: new Entities(store, systemClock),
        project: 'default',
        monitors: [monitor],
        fromMs: scenario.evalStartMs,
        toMs: scenario.startMs + scenario.hours * 3_600_000,
        stepMs: stepHours * 3_600_000,
      });
    // Hourly for the estimate (as the scheduler runs it); the realised one reads the store at
    // every step, so every 6 hours keeps the test short.
    const events = [...(await replay(monitors[0]!, 1)), ...(await replay(monitors[1]!, 6))];
    process.stdout.write(
      `${events.map((e) => `${e.time} ${e.monitor} ${e.state} ${e.value?.toFixed(3)}`).join('\n')}\n`,
    );
    const first = (monitor: string, state: string) =>
      events.find((e) => e.monitor === monitor && e.state === state)?.time ?? null;
    const warned = first('estimated', 'warning') ?? first('estimated', 'alert');
    const realizedAlert = first('realized', 'alert');
    process.stdout.write(
      `breach ${new Date(breach ?? 0).toISOString()}; estimated warning ${warned}; realized alert ${realizedAlert}\n`,
    );
    expect(warned).not.toBeNull();
    // The realised monitor only learns of the drop once labels arrive, a week late.
    expect(realizedAlert).not.toBeNull();
    expect(Date.parse(realizedAlert!)).toBeGreaterThan(breach!);
    expect(Date.parse(warned!)).toBeLessThan(Date.parse(realizedAlert!));
    // Nothing before the drift starts.
    const early = events.filter((e) => Date.parse(e.time) < scenario.changeStartMs! && e.state !== 'ok');
    expect(early).toEqual([]);
    const alert = events.find((e) => e.monitor === 'estimated' && e.state === 'alert');
    expect(Date.parse(alert!.predicted_breach!)).toBeGreaterThan(Date.parse(alert!.time));
  }, 240_000);
});
