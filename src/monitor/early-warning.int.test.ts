import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createScenario, groundTruthBreach } from '../../bench/early-warning/scenarios.js';
import { referenceBaseline, writeScenario } from '../../bench/early-warning/store-scenario.js';
import { runVigil, storeArgs } from '../cli/test-support/vigil-process.js';
import { buildServer } from '../server/index.js';
import { ident, openStore, sql } from '../store/index.js';
import { testDataDir, testStoreOptions, uniqueName } from '../store/test-support/test-store.js';
import type { ReplayEvent } from './replay.js';

// A bench scenario (gradual drift that costs accuracy; labels 7 days late) written through the
// ingest path, then `vigil monitor replay` on it: the label-free monitor warns days before the
// realised-accuracy monitor can alert.
const scenario = createScenario('gradual', 1, { days: 52, recordsPerHour: 100 });
const breach = groundTruthBreach(scenario);
const database = uniqueName();
const dir = mkdtempSync(join(tmpdir(), 'vigil-replay-'));

beforeAll(async () => {
  // Written in-process, then released: the CLI below opens the same store on its own.
  const store = await openStore(testStoreOptions(database));
  const server = await buildServer({ store });
  await writeScenario(server.ingest, scenario);
  await server.close();
  await store.close();
}, 120_000);

afterAll(async () => {
  const store = await openStore(testStoreOptions(database));
  await store.exec(sql`DROP DATABASE IF EXISTS ${ident(store.database)}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const common = {
  model: 'ew',
  baseline: referenceBaseline(scenario),
  threshold: { op: '<', value: scenario.threshold },
  window: '1d',
  cadence: '1h',
};

function replay(
  monitors: object[],
  step: string,
  format: 'json' | 'text',
  range = { from: scenario.evalStartMs, to: scenario.startMs + scenario.hours * 3_600_000 },
) {
  const file = join(dir, `${uniqueName('monitors')}.yaml`);
  writeFileSync(file, stringify(monitors));
  const started = performance.now();
  const r = runVigil([
    'monitor',
    'replay',
    '--from',
    new Date(range.from).toISOString(),
    '--to',
    new Date(range.to).toISOString(),
    '--step',
    step,
    '--monitors',
    file,
    '--format',
    format,
    ...storeArgs(testDataDir(), database),
  ]);
  expect(r.code, r.stderr).toBe(0);
  process.stdout.write(`replay ${step}: ${Math.round(performance.now() - started)} ms\n`);
  return r.stdout;
}

describe('vigil monitor replay on a bench scenario', () => {
  it('prints a timeline where the label-free warning comes days before the realised-accuracy alert', () => {
    expect(breach).not.toBeNull();
    const estimated = { ...common, name: 'estimated', kind: 'estimated_performance', metric: 'accuracy' };
    // Labels come 7 days late: the realised monitor looks back 8 days to see one labelled day;
    // it reads the store at every step, so it steps every 12 hours to keep the test short.
    const realized = { ...common, window: '8d', name: 'realized', kind: 'performance', metric: 'accuracy' };
    const events = [
      ...(JSON.parse(replay([estimated], '1h', 'json')) as { events: ReplayEvent[] }).events,
      ...(JSON.parse(replay([realized], '12h', 'json')) as { events: ReplayEvent[] }).events,
    ];
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
    expect(realizedAlert).not.toBeNull();
    // The realised monitor only learns of the drop once labels arrive, a week late.
    expect(Date.parse(realizedAlert!)).toBeGreaterThan(breach!);
    expect(Date.parse(realizedAlert!) - Date.parse(warned!)).toBeGreaterThan(3 * 86_400_000);
    // Nothing before the drift starts, and each event names its threshold.
    const early = events.filter((e) => Date.parse(e.time) < scenario.changeStartMs! && e.state !== 'ok');
    expect(early).toEqual([]);
    for (const e of events) expect(e.threshold).toEqual({ op: '<', value: scenario.threshold });
    const alert = events.find((e) => e.monitor === 'estimated' && e.state === 'alert');
    expect(Date.parse(alert!.predicted_breach!)).toBeGreaterThan(Date.parse(alert!.time));
  }, 240_000);

  it('prints the same timeline as text, one line per state change with its reason', () => {
    const text = replay(
      [{ ...common, name: 'estimated', kind: 'estimated_performance', metric: 'accuracy' }],
      '1h',
      'text',
      // The days around the warning and the alert.
      { from: Date.UTC(2026, 1, 9), to: Date.UTC(2026, 1, 14) },
    );
    const lines = text.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/estimated\s+warning\s+value 0\.\d+\s+threshold < 0\.78/);
    expect(text).toMatch(/forecast: P\(value < 0\.78 within the horizon\)/);
  }, 120_000);

  it('exits 2 naming the problem on a bad monitors file or range', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, stringify([{ ...common, name: 'x', kind: 'performance', window: 'forever' }]));
    const bad = runVigil([
      'monitor',
      'replay',
      '--from',
      '2026-01-01',
      '--to',
      '2026-01-02',
      '--monitors',
      file,
      ...storeArgs(testDataDir(), database),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/monitor 1: window/);
    const backwards = runVigil([
      'monitor',
      'replay',
      '--from',
      '2026-02-01',
      '--to',
      '2026-01-01',
      '--monitors',
      file,
      ...storeArgs(testDataDir(), database),
    ]);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/--from/);
  });
});
