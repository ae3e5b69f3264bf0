import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { modelRecords, runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

describe(`vigil ingest on ${testEngine}`, () => {
  let dir: string;
  let csv: string;
  const database = uniqueName();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-'));
    csv = join(dir, 'scored.csv');
    const lines = ['id,ts,amount,country,is_new,score,label,region'];
    for (let i = 0; i < 20_000; i++) {
      const ts = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
      const score = i === 7 ? '1.5' : ((i % 100) / 100).toFixed(2);
      lines.push(
        `t${i},${ts},${(i % 50) * 2.5},${i % 3 ? 'US' : '"D,E"'},${i % 2 === 0},${score},${i % 4 === 0 ? 1 : 0},r${i % 4}`,
      );
    }
    writeFileSync(csv, `${lines.join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a CSV through ClickHouse, reports the refused row, and the server counts the rest', async () => {
    const r = runVigil([
      'ingest',
      csv,
      '--model',
      'scored',
      '--env',
      'training',
      '--id',
      'id',
      '--timestamp',
      'ts',
      '--score',
      'score',
      '--target',
      'label',
      '--tag',
      'region',
      '--format',
      'json',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      accepted: number;
      rejected: number;
      errors: Array<{ index: number; field: string }>;
    };
    expect(out).toMatchObject({ accepted: 19_999, rejected: 1 });
    expect(out.errors).toEqual([expect.objectContaining({ index: 7, field: 'prediction.score' })]);

    const server = await startVigil(storeArgs(join(dir, 'data'), database));
    try {
      expect(await modelRecords(server.url)).toEqual({ scored: { training: 19_999 } });
      const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
        models: Array<{ task: string }>;
      };
      expect(models.models[0]?.task).toBe('binary');
      // Importing the same file again through the running server replaces rows by id.
      const again = runVigil([
        'ingest',
        csv,
        '--model',
        'scored',
        '--env',
        'training',
        '--id',
        'id',
        '--timestamp',
        'ts',
        '--score',
        'score',
        '--server',
        server.url,
      ]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('accepted 19999, rejected 1');
      expect(await modelRecords(server.url)).toEqual({ scored: { training: 19_999 } });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('imports Parquet written by ClickHouse', () => {
    const parquet = join(dir, 'demand.parquet');
    // Write a Parquet file with chdb in a child process (this test process must not hold an engine).
    const script = `import { Session } from 'chdb'; const s = new Session();
      s.query("INSERT INTO FUNCTION file('${parquet}', Parquet) SELECT number AS id, toFloat64(number % 7) AS price, if(number % 2 = 0, 'a', 'b') AS store, toFloat64(number % 13) AS demand FROM numbers(5000)");
      s.close();`;
    const gen = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(gen.stderr).toBe('');
    const r = runVigil([
      'ingest',
      parquet,
      '--model',
      'demand',
      '--id',
      'id',
      '--target',
      'demand',
      '--format',
      'json',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 5000, rejected: 0 });
  });

  it('exits 2 with a clear message on a missing file, an unknown format or an unknown column', () => {
    const missing = runVigil([
      'ingest',
      join(dir, 'nope.csv'),
      '--model',
      'm',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);
    writeFileSync(join(dir, 'data.xlsx'), 'x');
    const format = runVigil([
      'ingest',
      join(dir, 'data.xlsx'),
      '--model',
      'm',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/unknown file format/);
    const column = runVigil([
      'ingest',
      csv,
      '--model',
      'm',
      '--target',
      'lable',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(column.code).toBe(2);
    expect(column.stderr).toMatch(/--target lable: .* has no such column; its columns are id, ts, amount/);
    const model = runVigil([
      'ingest',
      csv,
      '--model',
      'bad model',
      ...storeArgs(join(dir, 'data'), database),
    ]);
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/--model: must match/);
  });
});
