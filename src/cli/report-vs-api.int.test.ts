import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../demo/random.js';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

function expectClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  } else if (expected !== null && typeof expected === 'object') {
    expect(typeof actual, path).toBe('object');
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(e).sort());
    for (const k of Object.keys(e)) expectClose(a[k], e[k], `${path}.${k}`);
  } else expect(actual, path).toEqual(expected);
}

interface Drift {
  features: Array<{
    name: string;
    method: string;
    statistic: number;
    p_value: number | null;
    stats: unknown;
  }>;
  drifted_share: number;
}

describe(`the offline report and the API agree on the same data (${testEngine})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-agree-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same statistics per feature from files and from ingested records', async () => {
    const rand = mulberry32(31);
    const file = (name: string, n: number, shift: number) => {
      const rows = Array.from(
        { length: n },
        (_, i) =>
          `${name}${i},${(normal(rand) + shift).toFixed(3)},${(rand() * 10).toFixed(2)},${['a', 'b', 'c'][Math.floor(rand() * (shift ? 2 : 3))]}`,
      );
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, `id,x,y,c\n${rows.join('\n')}\n`);
      return path;
    };
    const ref = file('ref', 1200, 0);
    const cur = file('cur', 900, 0.25);
    const report = runVigil([
      'report',
      '--reference',
      ref,
      '--current',
      cur,
      '--id',
      'id',
      '--format',
      'json',
    ]);
    expect(report.code).toBe(0);
    const fromFiles = JSON.parse(report.stdout) as Drift;

    const args = storeArgs(join(dir, 'data'), uniqueName());
    for (const [path, env] of [
      [ref, 'training'],
      [cur, 'production'],
    ] as const) {
      const r = runVigil(['ingest', path, '--model', 'agree', '--env', env, '--id', 'id', ...args]);
      expect(r.code).toBe(0);
    }
    const server = await startVigil(args);
    try {
      const res = await fetch(`${server.url}/v1/models/agree/drift?baseline=training`);
      const fromApi = (await res.json()) as Drift;
      const pick = (d: Drift) =>
        d.features.map((f) => ({
          name: f.name,
          method: f.method,
          statistic: f.statistic,
          p_value: f.p_value,
          stats: f.stats,
        }));
      // Equal up to float summation order (ClickHouse sums in parallel, in any order): 1e-12 relative.
      expectClose(pick(fromApi), pick(fromFiles));
      expect(fromApi.drifted_share).toBe(fromFiles.drifted_share);
    } finally {
      await server.stop();
    }
  });
});
