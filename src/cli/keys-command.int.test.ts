import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ident, openStore, sql } from '../store/index.js';
import { testEngine, testStoreOptions, uniqueName } from '../store/test-support/test-store.js';
import { runVigil, startVigil, storeArgs, VIGIL_BIN } from './test-support/vigil-process.js';

// `vigil keys create|list|revoke` on the store, and `vigil serve --auth on|off` (built CLI).

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-keys-'));
const database = uniqueName('vigil_keys');
const store = storeArgs(dataDir, database);

afterAll(async () => {
  const s = await openStore(testEngine === 'server' ? testStoreOptions(database) : { dataDir, database });
  await s.exec(sql`DROP DATABASE IF EXISTS ${ident(database)}`);
  await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil keys and serve --auth', () => {
  it('creates a key shown once, serves with auth on, lists it, and refuses it once revoked', async () => {
    const created = runVigil([
      'keys',
      'create',
      '--project',
      'acme',
      '--role',
      'admin',
      '--name',
      'ops',
      '--format',
      'json',
      ...store,
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    expect(key).toMatch(new RegExp(`^vgl_${id}_`));
    const bad = runVigil(['keys', 'create', '--project', 'acme', '--role', 'root', ...store]);
    expect(bad.code).not.toBe(0);

    const vigil = await startVigil(['--auth', 'on', ...store]);
    try {
      expect((await fetch(`${vigil.url}/v1/models`)).status).toBe(401);
      const ok = await fetch(`${vigil.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);
      const audit = await fetch(`${vigil.url}/v1/audit?action=key.create`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const entries = ((await audit.json()) as { entries: Array<{ actor: string; target: string }> }).entries;
      expect(entries).toEqual([expect.objectContaining({ actor: 'cli', target: id })]);
    } finally {
      expect(await vigil.stop()).toBe(0);
    }

    const list = runVigil(['keys', 'list', '--project', 'acme', '--format', 'json', ...store]);
    const keys = (JSON.parse(list.stdout) as { keys: Array<Record<string, unknown>> }).keys;
    expect(keys).toEqual([
      expect.objectContaining({ id, project: 'acme', role: 'admin', name: 'ops', revoked: null }),
    ]);
    expect(list.stdout).not.toContain(key.split('_').at(-1));

    const revoked = runVigil(['keys', 'revoke', id, ...store]);
    expect(revoked.code).toBe(0);
    expect(runVigil(['keys', 'revoke', 'not-a-key', ...store]).code).toBe(2);
    const text = runVigil(['keys', 'list', ...store]).stdout;
    expect(text).toMatch(new RegExp(`${id}\\tacme\\tadmin\\trevoked `));

    const again = await startVigil(['--auth', 'on', ...store]);
    try {
      const res = await fetch(`${again.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(401);
    } finally {
      await again.stop();
    }
  });

  it('serve on loopback runs open by default and says so on stderr', async () => {
    const proc = spawn(process.execPath, [VIGIL_BIN, 'serve', '--port', '0', ...store], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.on('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /vigil listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
    });
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    try {
      expect((await fetch(`${url}/v1/models`)).status).toBe(200);
      const session = (await (await fetch(`${url}/v1/session`)).json()) as { auth: string };
      expect(session.auth).toBe('off');
      expect(stderr.split('\n').filter((l) => l.includes('auth is off'))).toHaveLength(1);
    } finally {
      proc.kill('SIGTERM');
      await exited;
    }
  });
});
