import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp } from './test-support/labs-app.js';

// Issue 13 item 8: the first calls after an experiment goes live timed out ("no sandbox was
// free before the timeout") because the sandbox's cold start counted against the call's
// timeout. Going live starts the sandbox; GET says `status: "starting"` until it is ready; a
// call that arrives meanwhile waits for the start and its timeout runs from then, so the first
// user's first call is answered like any other. The `slow-start` prototype takes ~1.5 s to load
// (a model reading its weights): three times the call's 500 ms timeout.
const E = '/v1/labs/experiments';
let t: LabsTestApp;

beforeAll(async () => {
  t = await labsTestApp();
});

afterAll(async () => {
  await t?.close();
  cleanupTestDataDir();
});

const limits = { timeout_ms: 500, concurrency: 4, rate_per_user_per_min: 10_000, memory_mb: 64 };

async function createLive(fixture: string): Promise<{ id: string; live: Record<string, unknown> }> {
  const created = await t.json('POST', E, experimentBody(fixture, { limits }));
  expect(created.status).toBe(201);
  const id = String(created.body['id']);
  for (const user of ['u1', 'u2', 'u3'])
    expect((await t.json('POST', `${E}/${id}/enroll`, { user, accept_terms: true })).status).toBe(200);
  const live = await t.json('POST', `${E}/${id}/state`, { state: 'live' });
  expect(live.status).toBe(200);
  return { id, live: live.body };
}

describe('first calls after going live', () => {
  it('the first call, made at once, is answered ok with timeout_ms 500 (the cold start does not count)', async () => {
    const { id, live } = await createLive('slow-start');
    expect(live).toMatchObject({ state: 'live', status: 'starting' });
    const first = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: { x: 1 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'ok', output: { ready: true, x: 1 } });
    expect((await t.json('GET', `${E}/${id}`)).body).toMatchObject({ state: 'live', status: 'ready' });
  });

  it('several users calling at once during the start are all answered ok', async () => {
    const { id } = await createLive('slow-start');
    const answers = await Promise.all(
      ['u1', 'u2', 'u3'].map((user) => t.json('POST', `${E}/${id}/predict`, { user, input: { x: 2 } })),
    );
    for (const a of answers) expect(a.body).toMatchObject({ outcome: 'ok', output: { ready: true } });
  });

  it('GET reports starting, then ready once the sandbox has loaded; a draft reports stopped', async () => {
    const created = await t.json('POST', E, experimentBody('slow-start', { limits }));
    const id = String(created.body['id']);
    expect(created.body).toMatchObject({ state: 'draft', status: 'stopped' });
    await t.json('POST', `${E}/${id}/state`, { state: 'live' });
    expect((await t.json('GET', `${E}/${id}`)).body).toMatchObject({ state: 'live', status: 'starting' });
    let status = 'starting';
    for (let i = 0; i < 300 && status === 'starting'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = String((await t.json('GET', `${E}/${id}`)).body['status']);
    }
    expect(status).toBe('ready');
    const list = await t.json('GET', E);
    const listed = (list.body['experiments'] as Array<Record<string, unknown>>).find((e) => e['id'] === id);
    expect(listed).toMatchObject({ state: 'live', status: 'ready' });
  });

  it('a prototype that cannot load reports failed, and a call says why (load_failed), not timeout', async () => {
    const { id } = await createLive('no-score');
    const first = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} });
    expect(first.body).toMatchObject({ outcome: 'error', reason: 'load_failed' });
    expect((await t.json('GET', `${E}/${id}`)).body).toMatchObject({ state: 'live', status: 'failed' });
  });
});
