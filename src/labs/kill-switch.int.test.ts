import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';
import { note, processGone } from './test-support/note.js';

// Done-when 3 of issue 6: the kill switch stops traffic to a prototype within one second —
// in-flight calls are aborted and answered, the sandbox processes end, new calls get 409.
// The bound is the issue's own (1 s); the measured figures are printed for the note.
const BOUND_MS = 1000;
const E = '/v1/labs/experiments';

let a: LabsTestApp;
let b: LabsTestApp;
let hang: Server;
let hangUrl: string;

beforeAll(async () => {
  a = await labsTestApp({ allowOutbound: ['127.0.0.1'] });
  // A second node on the same store: what a scaled-out `vigil serve` looks like.
  b = await labsTestApp({ store: a.store, allowOutbound: ['127.0.0.1'] });
  hang = createServer((req) => req.resume());
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/infer`;
});

afterAll(async () => {
  hang?.closeAllConnections();
  await new Promise((resolve) => hang?.close(resolve));
  await b?.close();
  await a?.close();
  cleanupTestDataDir();
});

const slow = { timeout_ms: 20_000, concurrency: 4, memory_mb: 64, rate_per_user_per_min: 10_000 };

/** inFlight starts `n` calls and resolves each with the instant it was answered. */
function inFlight(t: LabsTestApp, id: string, n: number) {
  return Array.from({ length: n }, async () => {
    const res = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} });
    return { at: performance.now(), ...res };
  });
}

describe('kill switch', () => {
  it('aborts in-flight module calls, ends the sandboxes and refuses new calls within 1 s', async () => {
    const id = await startExperiment(a, experimentBody('sleep', { limits: slow }));
    const calls = inFlight(a, id, 4);
    await new Promise((r) => setTimeout(r, 1500)); // all four sleeping inside their sandboxes
    const pids = a.labs.gateway.pids({ project: 'default', id });
    expect(pids.length).toBeGreaterThan(0);
    const t0 = performance.now();
    const killed = await a.json('POST', `${E}/${id}/state`, { state: 'killed' });
    expect(killed.body['state']).toBe('killed');
    const answers = await Promise.all(calls);
    const lastMs = Math.max(...answers.map((r) => r.at - t0));
    const next = await a.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} });
    const refusedMs = performance.now() - t0;
    note(
      `kill switch (module): in-flight answered within ${lastMs.toFixed(1)} ms, new call refused at ${refusedMs.toFixed(1)} ms`,
    );
    for (const r of answers) expect(r.body).toMatchObject({ outcome: 'rejected', reason: 'killed' });
    expect(lastMs).toBeLessThan(BOUND_MS);
    expect(next.status).toBe(409);
    expect(refusedMs).toBeLessThan(BOUND_MS);
    for (const pid of pids) expect(await processGone(pid), `pid ${pid} still alive`).toBe(true);
  });

  it('aborts in-flight remote calls', async () => {
    const id = await startExperiment(a, {
      ...experimentBody('ok', { limits: slow }),
      source: { type: 'http', url: hangUrl, protocol: 'json' },
      fallback: { output: 'fallback answer' },
    });
    const calls = inFlight(a, id, 3);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await a.json('POST', `${E}/${id}/state`, { state: 'killed' });
    const answers = await Promise.all(calls);
    const lastMs = Math.max(...answers.map((r) => r.at - t0));
    note(`kill switch (remote): in-flight answered within ${lastMs.toFixed(1)} ms`);
    for (const r of answers)
      expect(r.body).toMatchObject({ outcome: 'fallback', output: 'fallback answer', reason: 'killed' });
    expect(lastMs).toBeLessThan(BOUND_MS);
  });

  it('reaches another node: its in-flight calls stop within 1 s of the kill on this node', async () => {
    const id = await startExperiment(a, experimentBody('sleep', { limits: slow }));
    const calls = inFlight(b, id, 2);
    await new Promise((r) => setTimeout(r, 1500)); // node b has started the sandbox and is waiting
    const pidsOnB = b.labs.gateway.pids({ project: 'default', id });
    expect(pidsOnB.length).toBeGreaterThan(0);
    const t0 = performance.now();
    await a.json('POST', `${E}/${id}/state`, { state: 'killed' });
    const answers = await Promise.all(calls);
    const lastMs = Math.max(...answers.map((r) => r.at - t0));
    note(`kill switch (other node, default poll): in-flight answered within ${lastMs.toFixed(1)} ms`);
    for (const r of answers) expect(r.body).toMatchObject({ outcome: 'rejected', reason: 'killed' });
    expect(lastMs).toBeLessThan(BOUND_MS);
    expect((await b.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} })).status).toBe(409);
  });
});
