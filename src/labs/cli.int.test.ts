import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labsReport, registerLabsCommands, runLabsNew } from '../cli/labs-command.js';
import { cleanupTestDataDir, testStoreOptions } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';
import { tryPrototype } from './trial.js';

const E = '/v1/labs/experiments';
let t: LabsTestApp;
let dir: string;
let id: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-labs-cli-'));
  // mkdtemp makes the folder private; run as root, sandboxes run as nobody and must read it.
  chmodSync(dir, 0o755);
  t = await labsTestApp();
  id = await startExperiment(t, experimentBody('ok'), ['u1', 'u2']);
  await t.json('POST', `${E}/${id}/predict`, { user: 'u1', feature: 'search', input: { x: 1 } });
  await t.json('POST', `${E}/${id}/feedback`, { user: 'u1', speed: 'ok', importance: 5 });
  await t.labs.telemetry.flush();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
  cleanupTestDataDir();
});

describe('vigil labs new / try', () => {
  it('scaffolds a prototype whose own test passes and which runs in the sandbox', async () => {
    const folder = runLabsNew('smart-reply', { dir });
    for (const f of ['index.mjs', 'sample-input.json', 'test.mjs', 'package.json', 'README.md'])
      expect(existsSync(join(folder, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name).toBe('smart-reply');
    const local = spawnSync(process.execPath, ['test.mjs'], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(local.status, local.stderr).toBe(0);
    expect(local.stdout).toContain('"label": "positive"');
    const input = JSON.parse(readFileSync(join(folder, 'sample-input.json'), 'utf8'));
    const r = await tryPrototype(folder, input, { timeoutMs: 5000, memoryMb: 128 });
    expect(r).toMatchObject({ status: 'ok', output: { label: 'positive' } });
    expect(Object.keys(r.parts).sort()).toEqual(['score', 'tokenize']);
    expect(() => runLabsNew('smart-reply', { dir })).toThrow(/already exists/);
    expect(() => runLabsNew('../escape', { dir })).toThrow(/NAME: must match/);
  });

  it('registers new, try and report under `vigil labs`', () => {
    const program = new Command();
    const labs = registerLabsCommands(program);
    expect(labs.commands.map((c) => c.name())).toEqual(['new', 'try', 'report']);
    const report = labs.commands.find((c) => c.name() === 'report');
    expect(report?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining([
        '--format',
        '--output',
        '--server',
        '--data',
        '--clickhouse-url',
        '--projected-calls-per-day',
      ]),
    );
  });
});

describe('vigil labs report', () => {
  it('reads the store directly, in every format', async () => {
    const storeOpts = testStoreOptions(t.store.database);
    const json = JSON.parse(await labsReport(id, { format: 'json', project: 'default' }, storeOpts));
    expect(json).toMatchObject({ calls: 1, users: { enrolled: 2, active: 1 }, feedback: { responses: 1 } });
    const md = await labsReport(
      id,
      { format: 'md', project: 'default', projectedCallsPerDay: 100 },
      storeOpts,
    );
    expect(md.split('\n')[0]).toMatch(
      /^0% of the users who use it find it too slow, 5\.0\/5 say it matters, it would cost \$[\d.,]+ a month at 100 calls a day\.$/,
    );
    const html = await labsReport(id, { format: 'html', project: 'default' }, storeOpts);
    expect(html).toContain('<svg');
  });

  it('asks a running server with --server, and names a missing experiment', async () => {
    const md = await labsReport(id, { format: 'md', project: 'default', server: url }, {});
    expect(md.split('\n')[0]).toMatch(/^0% of the users who use it find it too slow, 5\.0\/5 say it matters/);
    await expect(
      labsReport('missing-000000', { format: 'json', project: 'default', server: url }, {}),
    ).rejects.toThrow(/HTTP 404: experiment "missing-000000" not found/);
  });
});
