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
        expect(replay.stderr).toMatch(/^vigil: the data folder .* is held by a running Vigil server/);
        expect(replay.stderr).toContain('--server URL');
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

  it.skipIf(testEngine !== 'chdb')(
    'vigil monitor replay --server answers as the local replay of the same store does, text and JSON',
    async () => {
      const data = join(dir, 'replay-data');
      const t0 = Date.UTC(2026, 10, 1);
      const HOUR = 3_600_000;
      const latency = (name: string, value: number) => ({
        name,
        model: 'fraud',
        kind: 'latency',
        metric: 'p99',
        threshold: { op: '>', value },
        window: '1h',
        cadence: '1h',
        policy: { alert_after: 1, resolve_after: 1 },
      });
      const file = join(dir, 'replay-monitors.yaml');
      writeFileSync(
        file,
        [
          'monitors:',
          '  - name: file latency',
          '    model: fraud',
          '    kind: latency',
          '    metric: p99',
          '    threshold: {op: ">", value: 300}',
          '    window: 1h',
          '    cadence: 1h',
          '    policy: {alert_after: 1, resolve_after: 1}',
          '    notify: ["https://hooks.example/ops"]',
          '  - name: typo latency',
          '    model: credti',
          '    kind: latency',
          '    threshold: {op: ">", value: 300}',
          '    window: 1h',
          '    cadence: 1h',
          '',
        ].join('\n'),
      );
      const range = [
        'monitor',
        'replay',
        '--from',
        new Date(t0 + HOUR).toISOString(),
        '--to',
        String(t0 + 8 * HOUR),
        '--step',
        '1h',
      ];
      const server = await startVigil(['--data', data]);
      const remote: Record<string, ReturnType<typeof runVigil>> = {};
      try {
        const rows = [];
        for (let h = 0; h < 8; h++)
          for (let i = 0; i < 10; i++)
            rows.push({
              model: 'fraud',
              id: `r-${h}-${i}`,
              timestamp: t0 + h * HOUR + i * 60_000,
              prediction: { score: 0.5 },
              latency_ms: h >= 3 && h < 6 ? 500 + i : 10 + i,
            });
        const posted = await fetch(`${server.url}/v1/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
        });
        expect(posted.status).toBeLessThan(300);
        const created = await fetch(`${server.url}/v1/monitors`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(latency('fraud latency', 100)),
        });
        expect(created.status).toBe(201);

        // Beside the server, without --server: the plain message naming --server.
        const held = runVigil([...range, '--data', data]);
        expect(held.code).toBe(2);
        expect(held.stderr).toMatch(/^vigil: the data folder .* is held by a running Vigil server/);
        expect(held.stderr).toContain('--server URL');
        expect(held.stderr).not.toMatch(RAW);

        remote['json'] = runVigil([...range, '--server', server.url, '--format', 'json']);
        remote['text'] = runVigil([...range, '--server', server.url]);
        remote['file'] = runVigil([...range, '--server', server.url, '--monitors', file, '--format', 'json']);
        remote['fileText'] = runVigil([...range, '--server', server.url, '--monitors', file]);
        for (const r of Object.values(remote)) {
          expect(r.stderr).toBe('');
          expect(r.code).toBe(0);
        }
      } finally {
        expect(await server.stop()).toBe(0);
      }
      // The same replay on the same store, opened by the CLI itself once the server is gone.
      const local = {
        json: runVigil([...range, '--data', data, '--format', 'json']),
        text: runVigil([...range, '--data', data]),
        file: runVigil([...range, '--data', data, '--monitors', file, '--format', 'json']),
        fileText: runVigil([...range, '--data', data, '--monitors', file]),
      };
      for (const [k, r] of Object.entries(local)) {
        expect(r.stderr, k).toBe('');
        expect(r.code, k).toBe(0);
        expect(remote[k]?.stdout, k).toBe(r.stdout);
      }
      const json = JSON.parse(local.json.stdout) as { events: Array<{ monitor: string; state: string }> };
      expect(json.events.map((e) => e.state)).toEqual(expect.arrayContaining(['alert', 'resolved']));
      const fromFile = JSON.parse(local.file.stdout) as {
        events: Array<{ monitor: string; state: string }>;
        errors: Array<{ monitor: string; error: string }>;
      };
      expect(fromFile.events.map((e) => [e.monitor, e.state])).toEqual(
        expect.arrayContaining([
          ['file latency', 'alert'],
          ['file latency', 'resolved'],
        ]),
      );
      expect(fromFile.errors).toEqual([expect.objectContaining({ monitor: 'typo latency' })]);
      expect(local.fileText.stdout).toContain('typo latency  ERROR');
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
