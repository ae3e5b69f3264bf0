import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { FIXTURES } from '../labs/test-support/labs-app.js';
import { openChdbStore } from '../store/engines/chdb.js';
import { openServerStore } from '../store/engines/server.js';
import { migrate, migrations } from '../store/migrations.js';
import { ident, sql, str } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { testClickhouseUrl, testEngine, uniqueName } from '../store/test-support/test-store.js';
import { startVigil, storeArgs, VIGIL_BIN } from './test-support/vigil-process.js';

// kill -9 at chosen moments of `vigil serve`: inside migrations, and while config entities
// (model configs, Labs experiment states) are being written. Ingestion: crash-recovery.int.test.ts.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-safety-'));
  dirs.push(dir);
  const dataDir = join(dir, 'data');
  const database = uniqueName();
  return { dataDir, database, args: storeArgs(dataDir, database) };
}

/** openDirect opens the store a stopped `vigil serve` used, without migrating it. */
function openDirect(dataDir: string, database: string): Store {
  return testEngine === 'server'
    ? openServerStore({ url: testClickhouseUrl, database })
    : openChdbStore({ dataDir, database });
}

/**
 * serveUntilStep starts `vigil serve` with the migration pause hook and kills it with SIGKILL
 * `delayMs` after it announces the `newSteps`-th step not in `seen` (steps a killed run left
 * undone are announced again by the next run); resolves with whether it got to listening (all
 * migrations done) before the kill. Every run gets further than the one before.
 */
function serveUntilStep(
  args: string[],
  seen: Set<string>,
  newSteps: number,
  delayMs: number,
): Promise<{ listened: boolean }> {
  const proc: ChildProcess = spawn(process.execPath, [VIGIL_BIN, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_TEST_MIGRATION_PAUSE_MS: '60' },
  });
  let fresh = 0;
  let listened = false;
  let killing = false;
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const m of err.matchAll(/vigil-migration-step (\S+)\n/g)) {
      if (!m[1] || seen.has(m[1])) continue;
      seen.add(m[1]);
      fresh++;
      if (fresh >= newSteps && !killing) {
        killing = true;
        setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    }
    err = err.slice(err.lastIndexOf('\n') + 1);
  });
  proc.stdout?.on('data', (d: Buffer) => {
    if (d.toString().includes('vigil listening on')) {
      listened = true;
      proc.kill('SIGKILL');
    }
  });
  return new Promise((resolve) => proc.on('exit', () => resolve({ listened })));
}

/** schemaOf lists every table of a database with its columns and engine, for comparison. */
async function schemaOf(store: Store, database: string) {
  const rows = await store.query<{ table: string; name: string; type: string }>(
    sql`SELECT table, name, type FROM system.columns WHERE database = ${str(database)} ORDER BY table, name`,
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) out[r.table] = [...(out[r.table] ?? []), `${r.name} ${r.type}`];
  return out;
}

describe(`kill -9 during migrations on ${testEngine}`, () => {
  it('finishes the schema and keeps the migrations table consistent after repeated kills mid-migration', async () => {
    const { dataDir, database, args } = tempStore();
    const rand = mulberry32(9);
    let killed = 0;
    const seen = new Set<string>();
    // Each run dies one to three new steps in, at a random moment inside that step's pause, its
    // statement, or the next step; the next run picks up from there.
    for (let run = 0; run < 40; run++) {
      const r = await serveUntilStep(args, seen, 1 + Math.floor(rand() * 3), Math.floor(rand() * 120));
      if (r.listened) break;
      killed++;
    }
    expect(killed).toBeGreaterThanOrEqual(5);
    // Kills landed inside every migration, not only before the first one.
    const inside = new Set([...seen].map((s) => /^(\d+)\.\d+\//.exec(s)?.[1]).filter(Boolean));
    expect(inside.size).toBe(migrations.length);

    // A normal start completes whatever is left, and serves.
    const server = await startVigil(args);
    const res = await fetch(`${server.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({ model: 'm', id: '1', prediction: { score: 0.5 } }),
    });
    expect(res.status).toBe(200);
    expect(await server.stop()).toBe(0);

    const store = openDirect(dataDir, database);
    const reference = openDirect(dataDir, `${database}_ref`);
    try {
      // Every migration recorded exactly once (no FINAL: no duplicate rows at all).
      const ids = await store.query<{ id: number; n: number }>(
        sql`SELECT id, count() AS n FROM ${store.table('migrations')} GROUP BY id ORDER BY id`,
      );
      expect(ids.map((r) => [Number(r.id), Number(r.n)])).toEqual(migrations.map((m) => [m.id, 1]));
      // The same tables and columns as a migration that ran without interruption.
      await migrate(reference);
      expect(await schemaOf(store, database)).toEqual(await schemaOf(reference, `${database}_ref`));
    } finally {
      await reference.exec(sql`DROP DATABASE IF EXISTS ${ident(reference.database)}`);
      await store.exec(sql`DROP DATABASE IF EXISTS ${ident(store.database)}`);
      await reference.close();
      await store.close();
    }
    // Each kill restarts `vigil serve`; migration 8 (records keyed by version) adds six steps.
  }, 300_000);
});

describe(`kill -9 during config updates on ${testEngine}`, () => {
  it('leaves each model config and experiment state whole: the old or the new version, never a mix', async () => {
    const { args } = tempStore();
    const rand = mulberry32(11);
    let server = await startVigil(args);
    // GET /v1/models/{m} answers for a model with records.
    const first = await fetch(`${server.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: JSON.stringify({ model: 'crashcfg', id: '1', prediction: { score: 0.5 } }),
    });
    expect(first.status).toBe(200);
    const created = await fetch(`${server.url}/v1/labs/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'crash config',
        description: 'toggled while the server is killed',
        owner: 'tests',
        source: { type: 'module', path: `${FIXTURES}ok` },
        allocation: { percent: 100 },
      }),
    });
    expect(created.status).toBe(201);
    const experiment = (await created.json()) as { id: string; name: string; description: string };
    let acked = 0; // the last config version answered 200
    let stateAcked = 'draft';

    for (let round = 0; round < 3; round++) {
      const { url } = server;
      let stop = false;
      let sent = acked;
      let stateSent = stateAcked;
      let failed = '';
      // One writer of model configs: each version's fields all carry its number and a large
      // padding, so a half-written body would show as mismatched fields or broken JSON.
      const configs = (async () => {
        while (!stop) {
          const n = acked + 1;
          sent = n;
          const ok = await fetch(`${url}/v1/models/crashcfg`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              task: 'binary',
              positive_label: `v${n}`,
              a: n,
              b: { n, pad: `${n}:`.repeat(2000) },
            }),
          }).then(
            async (r) => {
              if (r.status !== 200 && !failed) failed = `PUT ${r.status} ${await r.text()}`;
              return r.status === 200;
            },
            () => false,
          );
          if (!ok) return;
          acked = n;
        }
      })();
      // One writer of the experiment's state: live <-> paused.
      const states = (async () => {
        while (!stop) {
          const next = stateAcked === 'live' ? 'paused' : 'live';
          stateSent = next;
          const ok = await fetch(`${url}/v1/labs/experiments/${experiment.id}/state`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ state: next }),
          }).then(
            async (r) => {
              if (r.status !== 200 && !failed) failed = `state ${r.status} ${await r.text()}`;
              return r.status === 200;
            },
            () => false,
          );
          if (!ok) return;
          stateAcked = next;
        }
      })();
      const before = acked;
      while (acked < before + 5 && !failed) await sleep(5);
      expect(failed).toBe('');
      await sleep(Math.floor(rand() * 100));
      await server.kill9();
      stop = true;
      await Promise.all([configs, states]);

      server = await startVigil(args);
      const model = (await (await fetch(`${server.url}/v1/models/crashcfg`)).json()) as {
        config: { positive_label: string; a: number; b: { n: number; pad: string } };
      };
      const n = model.config.a;
      expect([acked, sent]).toContain(n);
      expect(model.config).toEqual({
        task: 'binary',
        positive_label: `v${n}`,
        a: n,
        b: { n, pad: `${n}:`.repeat(2000) },
      });
      acked = n;
      const exp = (await (await fetch(`${server.url}/v1/labs/experiments/${experiment.id}`)).json()) as {
        state: string;
        name: string;
        description: string;
      };
      expect([stateAcked, stateSent]).toContain(exp.state);
      expect({ name: exp.name, description: exp.description }).toEqual({
        name: experiment.name,
        description: experiment.description,
      });
      stateAcked = exp.state;
    }
    expect(acked).toBeGreaterThanOrEqual(15);
    expect(await server.stop()).toBe(0);
  });
});
