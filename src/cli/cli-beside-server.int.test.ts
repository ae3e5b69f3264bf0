import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEngine, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs } from './test-support/vigil-process.js';

const RAW = /Code: \d+|DB::Exception|CANNOT_OPEN_FILE|CANNOT_EXTRACT/;

describe('the CLI beside a running server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-beside-'));
  const csv = join(dir, 'rows.csv');
  writeFileSync(csv, 'id,amount,country\na,1.5,US\nb,2.5,FR\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(testEngine !== 'chdb')(
    'a folder a server holds is a plain error saying how to proceed; --server goes through the API',
    async () => {
      const data = join(dir, 'data');
      const server = await startVigil(['--data', data]);
      try {
        const keys = runVigil(['keys', 'list', '--data', data]);
        expect(keys.code).toBe(2);
        expect(keys.stderr).toMatch(
          /^vigil: the data folder .* is held by a running Vigil server \(process \d+\)/,
        );
        expect(keys.stderr).toContain('--server URL');
        expect(keys.stderr).not.toMatch(RAW);

        const replay = runVigil([
          'monitor',
          'replay',
          '--from',
          '2026-01-01T00:00:00Z',
          '--to',
          '2026-01-02T00:00:00Z',
          '--data',
          data,
        ]);
        expect(replay.code).toBe(2);
        expect(replay.stderr).toContain('vigil monitor replay has no HTTP endpoint: stop the server');
        expect(replay.stderr).not.toMatch(RAW);

        const ingest = runVigil(['ingest', csv, '--model', 'm', '--id', 'id', '--data', data]);
        expect(ingest.code).toBe(2);
        expect(ingest.stderr).toContain('is held by a running Vigil server');
        expect(ingest.stderr).not.toMatch(RAW);

        // Through the server: keys create and list over /v1/keys, ingest over /v1/records.
        const created = runVigil([
          'keys',
          'create',
          '--project',
          'default',
          '--role',
          'admin',
          '--server',
          server.url,
        ]);
        expect(created.stderr).toBe('');
        expect(created.code).toBe(0);
        expect(created.stdout).toMatch(/^created admin key [0-9a-f]{16} for project default\nvgl_/);
        const listed = runVigil(['keys', 'list', '--server', server.url, '--format', 'json']);
        expect(listed.code).toBe(0);
        expect((JSON.parse(listed.stdout) as { keys: Array<{ role: string }> }).keys).toEqual([
          expect.objectContaining({ role: 'admin' }),
        ]);
        const sent = runVigil([
          'ingest',
          csv,
          '--model',
          'm',
          '--id',
          'id',
          '--model-version',
          'v7',
          '--server',
          server.url,
        ]);
        expect(sent.code).toBe(0);
        const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
          models: Array<{ model: string; versions: string[] }>;
        };
        expect(models.models.find((m) => m.model === 'm')?.versions).toEqual(['v7']);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
  );

  it('vigil report on an empty or header-only file says so in plain words', () => {
    const empty = join(dir, 'empty.csv');
    const header = join(dir, 'header.csv');
    writeFileSync(empty, '');
    writeFileSync(header, 'id,amount,country\n');
    for (const f of [empty, header]) {
      const r = runVigil(['report', '--reference', csv, '--current', f]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `vigil: --current ${f}: has no rows or columns to read (the file is empty, or holds a header only)\n`,
      );
    }
  });

  it('vigil ingest --version is an error naming --model-version; no command takes the program’s --version', () => {
    const database = uniqueName();
    const old = runVigil([
      'ingest',
      csv,
      '--model',
      'm',
      '--version',
      'v1',
      ...storeArgs(join(dir, 'd2'), database),
    ]);
    expect(old.code).toBe(2);
    expect(old.stdout).toBe('');
    expect(old.stderr).toContain('the model version of the imported rows is --model-version');
    const report = runVigil(['report', '--reference', csv, '--current', csv, '--version']);
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('--version is not an option of vigil report');
    const version = runVigil(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const ok = runVigil([
      'ingest',
      csv,
      '--model',
      'm',
      '--id',
      'id',
      '--model-version',
      'v1',
      '--format',
      'json',
      ...storeArgs(join(dir, 'd2'), database),
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ accepted: 2, rejected: 0 });
  });
});
