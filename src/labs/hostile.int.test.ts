import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../store/index.js';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import {
  experimentBody,
  FIXTURES,
  type LabsTestApp,
  labsTestApp,
  startExperiment,
} from './test-support/labs-app.js';
import { note, processGone } from './test-support/note.js';

// Done-when 1 of issue 6: each hostile prototype is contained — every call is answered within
// the timeout plus a margin, with a clear outcome; nothing is written; the store changes only
// by telemetry; the circuit opens and later closes.
//
// The margin is generous on purpose (this machine has 2 cores shared with other test runs):
// it bounds "answered at the deadline", not the speed of Labs. Measured figures are printed.
const TIMEOUT_MS = 500;
const MARGIN_MS = 1500;
const E = '/v1/labs/experiments';

let t: LabsTestApp;
let scratch: string;
let secretFile: string;
let remote: Server;
let remoteUrl: string;
const hits: Record<string, number> = {};
let flakyHealthy = false;
let fixtureFiles: string[] = [];

/** listFixtures lists every file under the fixtures folder, to prove nothing was written there. */
function listFixtures(): string[] {
  return readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).sort();
}

beforeAll(async () => {
  fixtureFiles = listFixtures();
  // The remote model servers below are this test's own, on loopback: the operator allows them.
  t = await labsTestApp({ allowOutbound: ['127.0.0.1'] });
  scratch = mkdtempSync(join(tmpdir(), 'vigil-labs-hostile-'));
  secretFile = join(scratch, 'secret.txt');
  writeFileSync(secretFile, 'the-secret-outside-the-folder');
  remote = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    req.resume();
    const answers: Record<string, [number, string]> = {
      '/500': [500, 'boom'],
      '/garbage': [200, '<html>'],
      '/v2-bad': [200, JSON.stringify({ outputs: [{ name: 'p', datatype: 'FP32', shape: [3], data: [1] }] })],
      '/v2-ok': [
        200,
        JSON.stringify({
          model_name: 'm',
          outputs: [{ name: 'p', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4] }],
        }),
      ],
      '/flaky': flakyHealthy ? [200, '{"ok":true}'] : [503, ''],
    };
    req.on('end', () => {
      if (path === '/hang') return; // never answers
      const [status, body] = answers[path] ?? [200, '{"canary":true}'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
});

afterAll(async () => {
  remote?.closeAllConnections();
  await new Promise((resolve) => remote?.close(resolve));
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
  cleanupTestDataDir();
});

const limits = (extra: Record<string, unknown> = {}) => ({
  timeout_ms: TIMEOUT_MS,
  concurrency: 2,
  rate_per_user_per_min: 100_000,
  memory_mb: 64,
  circuit_failures: 1000,
  ...extra,
});

async function call(id: string, input: unknown) {
  const started = performance.now();
  const res = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input });
  return { ...res, wallMs: performance.now() - started };
}

/** snapshot digests every non-telemetry table, to prove hostile calls changed nothing else. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [
    'records',
    'actuals',
    'rejected',
    'entities',
    'idempotency',
    'labs_enrollments',
    'labs_feedback',
  ] as const) {
    const rows = await t.store.query(sql`SELECT * FROM ${t.store.table(table)}`);
    out[table] = JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

type Case = {
  name: string;
  fixture: string;
  inputs: unknown[];
  outcome: string;
  reason: string;
  timeoutMs?: number;
  after?: () => void;
};

describe('hostile module prototypes', () => {
  const figures: string[] = [];
  afterAll(() => {
    // The note for the issue: how long each containment took (wall time of the HTTP call).
    note(`containment (timeout ${TIMEOUT_MS} ms):\n${figures.join('\n')}`);
  });

  const cases: Case[] = [
    { name: 'busy loop', fixture: 'loop', inputs: [{}, {}], outcome: 'timeout', reason: 'timeout' },
    {
      name: 'sleeps past the timeout',
      fixture: 'sleep',
      inputs: [{}],
      outcome: 'timeout',
      reason: 'timeout',
    },
    // Filling 64 MB of V8 heap takes a while on a busy machine; the timeout is raised so the
    // heap limit, not the clock, is what stops it.
    {
      name: 'V8 heap bomb',
      fixture: 'memory',
      inputs: [{}],
      outcome: 'error',
      reason: 'out_of_memory',
      timeoutMs: 5000,
    },
    {
      name: 'Buffer bomb outside the heap',
      fixture: 'buffer-bomb',
      inputs: [{}],
      outcome: 'error',
      reason: 'out_of_memory',
      timeoutMs: 5000,
    },
    { name: 'throws', fixture: 'throws', inputs: [{}], outcome: 'error', reason: 'threw' },
    {
      name: 'returns garbage',
      fixture: 'garbage',
      inputs: ['cyclic', 'nan', 'function', 'bigint', 'huge', 'undefined'].map((kind) => ({ kind })),
      outcome: 'error',
      reason: 'invalid_output',
      // Building and measuring the 10 MB answer took 504 ms on a loaded CI machine: the point is
      // that it is refused as invalid output, not how fast, so the call gets room to finish.
      timeoutMs: 5000,
    },
    {
      name: 'writes a file',
      fixture: 'write-file',
      inputs: [{ path: join(tmpdir(), 'vigil-labs-pwned.txt') }],
      outcome: 'error',
      reason: 'threw',
      after: () => {
        expect(existsSync(join(tmpdir(), 'vigil-labs-pwned.txt'))).toBe(false);
        expect(readdirSync(`${FIXTURES}write-file`)).toEqual(['index.mjs']);
      },
    },
    {
      name: 'spawns a process (spawn, exec, worker)',
      fixture: 'spawn',
      inputs: ['spawn', 'exec', 'worker'].map((how) => ({
        how,
        marker: join(tmpdir(), 'vigil-labs-spawned'),
      })),
      outcome: 'error',
      reason: 'threw',
      after: () => expect(existsSync(join(tmpdir(), 'vigil-labs-spawned'))).toBe(false),
    },
    {
      name: 'reads outside its folder',
      fixture: 'read-outside',
      inputs: [{ path: '/etc/hostname' }],
      outcome: 'error',
      reason: 'threw',
    },
    {
      name: 'signals the server (kill, inspector)',
      fixture: 'kill-parent',
      inputs: [{ how: 'kill' }, { how: 'debug' }],
      outcome: 'error',
      reason: 'threw',
    },
  ];

  it.each(cases)('$name: contained with outcome $outcome', async (c) => {
    const before = await snapshot();
    const timeout = c.timeoutMs ?? TIMEOUT_MS;
    const id = await startExperiment(
      t,
      experimentBody(c.fixture, { limits: limits({ timeout_ms: timeout }) }),
    );
    const after = await snapshot();
    for (const input of c.inputs) {
      const res = await call(id, input);
      figures.push(
        `  ${c.name} ${JSON.stringify(input).slice(0, 40)}: ${res.body['outcome']}/${res.body['reason']} in ${Math.round(res.wallMs)} ms`,
      );
      expect(res.status).toBe(200);
      expect(res.body, JSON.stringify(input)).toMatchObject({
        outcome: c.outcome,
        reason: c.reason,
        output: null,
      });
      expect(res.wallMs).toBeLessThan(timeout + MARGIN_MS);
    }
    c.after?.();
    // Creating and starting the experiment wrote entities and enrollments; the calls wrote only telemetry.
    expect(await snapshot()).toEqual(after);
    expect(before['records']).toEqual(after['records']);
  });

  it('a prototype cannot read outside its folder, even a file the server can read', async () => {
    const id = await startExperiment(t, experimentBody('read-outside', { limits: limits() }));
    const res = await call(id, { path: secretFile });
    expect(res.body).toMatchObject({ outcome: 'error', reason: 'threw' });
    expect(JSON.stringify(res.body)).not.toContain('the-secret-outside-the-folder');
  });

  it('a prototype cannot reach the network, so the server it aims at sees nothing', async () => {
    const id = await startExperiment(t, experimentBody('network', { limits: limits() }));
    const before = hits['/canary'] ?? 0;
    expect((await call(id, { url: `${remoteUrl}/canary` })).body).toMatchObject({ outcome: 'error' });
    expect((await call(id, { how: 'socket', port: Number(new URL(remoteUrl).port) })).body).toMatchObject({
      outcome: 'error',
    });
    expect(hits['/canary'] ?? 0).toBe(before);
  });

  it('a busy loop is killed and replaced: the next call gets a fresh sandbox', async () => {
    const id = await startExperiment(t, experimentBody('loop', { limits: limits() }));
    const pidsBefore = t.labs.gateway.pids({ project: 'default', id });
    expect(pidsBefore.length).toBeGreaterThan(0);
    await call(id, {});
    expect(pidsBefore).toHaveLength(1);
    const pidsAfter = t.labs.gateway.pids({ project: 'default', id });
    for (const pid of pidsBefore) expect(pidsAfter).not.toContain(pid);
    expect(pidsAfter).toHaveLength(1); // the replacement, started at once
    // SIGKILL was sent when the call timed out; the spawner reaps the process soon after.
    for (const pid of pidsBefore) expect(await processGone(pid), `pid ${pid} still alive`).toBe(true);
  });

  it('the circuit opens after consecutive failures and refuses at once', async () => {
    const id = await startExperiment(
      t,
      experimentBody('throws', { limits: limits({ circuit_failures: 3, circuit_cooldown_ms: 60_000 }) }),
    );
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push((await call(id, {})).body['reason']);
    expect(outcomes).toEqual(['threw', 'threw', 'threw', 'circuit_open', 'circuit_open']);
  });
});

describe('sandbox escapes (issue 14, finding 5)', () => {
  const pidsOf = (id: string) => t.labs.gateway.pids({ project: 'default', id });
  const procStatus = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');

  it('trace_events writes no file: tracing is not available to a prototype', async () => {
    const folder = `${FIXTURES}trace`;
    const id = await startExperiment(t, experimentBody('trace', { limits: limits({ timeout_ms: 5000 }) }));
    const res = await call(id, {});
    expect(res.body).toMatchObject({ outcome: 'error', reason: 'threw' });
    expect(String(res.body['message'])).toContain('trace_events');
    // The tracing agent flushes from its own thread: give a file the time to appear.
    await new Promise((r) => setTimeout(r, 500));
    expect(readdirSync(folder)).toEqual(['index.mjs']);
  });

  it.runIf(process.platform === 'linux')(
    'children cannot write files at all: RLIMIT_FSIZE is 0',
    async () => {
      const id = await startExperiment(t, experimentBody('ok', { limits: limits() }));
      const [pid] = pidsOf(id);
      expect(pid).toBeGreaterThan(0);
      const limitsText = readFileSync(`/proc/${pid}/limits`, 'utf8');
      expect(limitsText).toMatch(/Max file size\s+0\s+0\s+bytes/);
    },
  );

  it.runIf(process.getuid?.() === 0)('children of a root server run as an unprivileged user', async () => {
    const id = await startExperiment(t, experimentBody('whoami', { limits: limits() }));
    const res = await call(id, {});
    expect(res.body['outcome']).toBe('ok');
    const who = res.body['output'] as { uid: number; gid: number; euid: number; groups: number[] };
    expect(who.uid).not.toBe(0);
    expect(who.euid).not.toBe(0);
    expect(who.gid).not.toBe(0);
    expect(who.groups).not.toContain(0);
    // As the kernel sees it, outside any namespace: real, effective, saved and fs uid all unprivileged.
    const [pid] = pidsOf(id);
    const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(procStatus(pid as number));
    expect(uids?.slice(1).map(Number)).not.toContain(0);
  });

  /** killedBetweenCalls waits (bounded) until the sandbox that answered is replaced, and says why. */
  async function killedBetweenCalls(id: string, pid: number) {
    for (let i = 0; i < 200; i++) {
      const events = t.labs.gateway.events({ project: 'default', id });
      if (events.length > 0 && !pidsOf(id).includes(pid)) return events;
      await new Promise((r) => setTimeout(r, 100));
    }
    return t.labs.gateway.events({ project: 'default', id });
  }

  it.runIf(process.platform === 'linux')(
    'a prototype that spins after its call returned is killed and replaced (idle_cpu)',
    async () => {
      const id = await startExperiment(t, experimentBody('idle', { limits: limits() }));
      const [pid] = pidsOf(id);
      expect((await call(id, { how: 'spin' })).body['outcome']).toBe('ok');
      const events = await killedBetweenCalls(id, pid as number);
      expect(events.map((e) => e.reason)).toContain('idle_cpu');
      expect(await processGone(pid as number), `pid ${pid} still alive`).toBe(true);
      // The replacement (started at once) answers the next call.
      await t.labs.gateway.whenReady({ project: 'default', id });
      expect((await call(id, {})).body['outcome']).toBe('ok');
    },
  );

  it.runIf(process.platform === 'linux')(
    'a prototype that grows after its call returned is killed at its memory cap (idle_memory)',
    async () => {
      const id = await startExperiment(t, experimentBody('idle', { limits: limits({ memory_mb: 32 }) }));
      const [pid] = pidsOf(id);
      expect((await call(id, { how: 'grow' })).body['outcome']).toBe('ok');
      const events = await killedBetweenCalls(id, pid as number);
      expect(
        events.map((e) => e.reason),
        JSON.stringify(events),
      ).toContain('idle_memory');
      expect(await processGone(pid as number), `pid ${pid} still alive`).toBe(true);
    },
  );

  it('an editor cannot take the host: memory_mb, concurrency and their product are capped', async () => {
    const create = (l: Record<string, unknown>) =>
      t.json('POST', E, experimentBody('ok', { limits: { ...limits(), ...l } }));
    const memory = await create({ memory_mb: 16_384 });
    expect(memory.status).toBe(400);
    expect(memory.body['error']).toMatchObject({ code: 'invalid_request' });
    expect(JSON.stringify(memory.body)).toContain('limits.memory_mb');
    expect(JSON.stringify(memory.body)).toContain('32 to 2048');
    const concurrency = await create({ concurrency: 256 });
    expect(concurrency.status).toBe(400);
    expect(JSON.stringify(concurrency.body)).toContain('limits.concurrency');
    expect(JSON.stringify(concurrency.body)).toContain('1 to 32');
    const product = await create({ concurrency: 32, memory_mb: 2048 });
    expect(product.status).toBe(400);
    expect(JSON.stringify(product.body)).toContain('limits.concurrency × limits.memory_mb');
    expect((await create({ concurrency: 4, memory_mb: 2048 })).status).toBe(201);
  });
});

describe('hostile remote model servers', () => {
  const remoteBody = (path: string, protocol = 'json', extra: Record<string, unknown> = {}) =>
    experimentBody('ok', {
      source: { type: 'http', url: `${remoteUrl}${path}`, protocol },
      limits: limits(extra),
    });

  it.each([
    ['hangs', '/hang', 'json', 'timeout', 'timeout'],
    ['answers 500', '/500', 'json', 'error', 'http_status'],
    ['answers garbage', '/garbage', 'json', 'error', 'invalid_output'],
    ['answers a v2 tensor of the wrong size', '/v2-bad', 'v2', 'error', 'invalid_output'],
  ])('%s: contained with outcome %s', async (_name, path, protocol, outcome, reason) => {
    const id = await startExperiment(t, remoteBody(path, protocol));
    const res = await call(id, { x: [1, 2] });
    expect(res.body).toMatchObject({ outcome, reason });
    expect(res.wallMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('maps a v2 answer to {name: tensor}', async () => {
    const id = await startExperiment(t, remoteBody('/v2-ok', 'v2'));
    expect((await call(id, { x: [[1, 2]] })).body).toMatchObject({
      outcome: 'ok',
      output: {
        p: [
          [1, 2],
          [3, 4],
        ],
      },
    });
  });

  it('the circuit opens on repeated failures, probes after the cool-down, and closes when the server heals', async () => {
    flakyHealthy = false;
    const id = await startExperiment(
      t,
      remoteBody('/flaky', 'json', { circuit_failures: 3, circuit_cooldown_ms: 400 }),
    );
    const reasons = [];
    for (let i = 0; i < 5; i++) reasons.push((await call(id, {})).body['reason']);
    expect(reasons).toEqual(['http_status', 'http_status', 'http_status', 'circuit_open', 'circuit_open']);
    expect(hits['/flaky']).toBe(3); // open: the server is left alone
    await new Promise((r) => setTimeout(r, 450));
    expect((await call(id, {})).body['reason']).toBe('http_status'); // the probe fails: open again
    expect((await call(id, {})).body['reason']).toBe('circuit_open');
    flakyHealthy = true;
    await new Promise((r) => setTimeout(r, 450));
    expect((await call(id, {})).body).toMatchObject({ outcome: 'ok', output: { ok: true } }); // the probe closes it
    expect((await call(id, {})).body['outcome']).toBe('ok');
    expect(hits['/flaky']).toBe(6);
  });
});

describe('after every hostile call', () => {
  it('no file appeared in any prototype folder (no write, no core dump)', () => {
    expect(listFixtures()).toEqual(fixtureFiles);
  });
});
