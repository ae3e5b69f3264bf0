import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { testDataDir, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-monitors-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const monitors = [
  {
    name: 'fraud accuracy',
    model: 'fraud',
    kind: 'estimated_performance',
    metric: 'accuracy',
    threshold: { op: '<', value: 0.8 },
    window: '1d',
    cadence: '1h',
    notify: ['https://hooks.example/ops'],
  },
  {
    name: 'fraud latency',
    model: 'fraud',
    kind: 'latency',
    metric: 'p99',
    threshold: { op: '>', value: 50 },
  },
];

async function listed(url: string) {
  const body = (await (await fetch(`${url}/v1/monitors`)).json()) as {
    monitors: Array<{ id: string; name: string; threshold: { value: number } }>;
  };
  return body.monitors.sort((a, b) => a.name.localeCompare(b.name));
}

describe('vigil serve --monitors FILE', () => {
  it('creates the monitors of a YAML file, and a restart with an edited file updates them in place', async () => {
    const database = uniqueName();
    const file = join(dir, 'monitors.yaml');
    writeFileSync(file, stringify(monitors));
    const first = await startVigil(['--monitors', file, ...storeArgs(testDataDir(), database)]);
    let before: Awaited<ReturnType<typeof listed>>;
    try {
      before = await listed(first.url);
      expect(before.map((m) => m.name)).toEqual(['fraud accuracy', 'fraud latency']);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    writeFileSync(file, stringify([monitors[0], { ...monitors[1], threshold: { op: '>', value: 80 } }]));
    const second = await startVigil(['--monitors', file, ...storeArgs(testDataDir(), database)]);
    try {
      const after = await listed(second.url);
      expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
      expect(after[1]?.threshold.value).toBe(80);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);

  it('refuses to start on a bad file, naming the monitor and the field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, stringify([monitors[0], { ...monitors[1], kind: 'latency', metric: 'p42' }]));
    const r = runVigil([
      'serve',
      '--port',
      '0',
      '--monitors',
      file,
      ...storeArgs(testDataDir(), uniqueName()),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/monitor 2: metric/);
    const missing = runVigil([
      'serve',
      '--port',
      '0',
      '--monitors',
      join(dir, 'nope.yaml'),
      ...storeArgs(testDataDir(), uniqueName()),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml/);
  }, 60_000);
});
