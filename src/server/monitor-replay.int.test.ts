import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { monitorIdOf, parseMonitorSpec } from '../monitor/monitor-spec.js';
import { replayMonitors } from '../monitor/replay.js';
import { Entities } from '../store/entities.js';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { type AuthedServer, authedServer, bearer } from './auth/test-support.js';

// Issue 13, item 5: `vigil monitor replay` has an HTTP path, POST /v1/monitors/replay.

const t0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

const latency = {
  name: 'fraud latency',
  model: 'fraud',
  kind: 'latency',
  metric: 'p99',
  threshold: { op: '>', value: 100 },
  window: '1h',
  cadence: '1h',
  policy: { alert_after: 1, resolve_after: 1 },
};

let store: Store;
let s: AuthedServer;
beforeEach(async () => {
  store = await openTestStore();
  s = await authedServer(store);
});
afterEach(async () => {
  await s.server.close();
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

describe('POST /v1/monitors/replay', () => {
  it("answers the CLI's replay JSON for the body's or the project's monitors; editors only; bad bodies name the field", async () => {
    const { app } = s;
    const editor = bearer((await s.key('default', 'editor')).key);
    const viewer = bearer((await s.key('default', 'viewer')).key);
    const rows = [];
    for (let h = 0; h < 6; h++)
      for (let i = 0; i < 10; i++)
        rows.push({
          model: 'fraud',
          id: `r-${h}-${i}`,
          timestamp: t0 + h * HOUR + i * 60_000,
          prediction: { score: 0.5 },
          latency_ms: h >= 3 ? 500 : 10,
        });
    const sent = await app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { ...editor, 'content-type': 'application/x-ndjson' },
      payload: `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`,
    });
    expect(sent.statusCode).toBeLessThan(300);
    const range = {
      from: new Date(t0 + HOUR).toISOString(),
      to: new Date(t0 + 6 * HOUR).toISOString(),
      step: '1h',
    };

    // The project has no monitors yet: a 400 naming `monitors` and how to give some.
    const none = await app.inject({
      method: 'POST',
      url: '/v1/monitors/replay',
      headers: editor,
      payload: range,
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/^monitors: project default has no monitors/);

    const spec = parseMonitorSpec(latency);
    const expected = await replayMonitors({
      store,
      entities: new Entities(store, { nowMs: () => t0 }),
      project: 'default',
      monitors: [{ ...spec, id: monitorIdOf(spec.name), created: 0, updated: 0 }],
      fromMs: t0 + HOUR,
      toMs: t0 + 6 * HOUR,
      stepMs: HOUR,
    });
    expect(expected.events.map((e) => e.state)).toContain('alert');

    const fromBody = await app.inject({
      method: 'POST',
      url: '/v1/monitors/replay',
      headers: editor,
      payload: { ...range, monitors: [latency] },
    });
    expect(fromBody.statusCode).toBe(200);
    expect(fromBody.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(Object.keys(fromBody.json())).toEqual(['events', 'errors']);

    // Without `monitors`, the project's stored ones.
    const created = await app.inject({
      method: 'POST',
      url: '/v1/monitors',
      headers: editor,
      payload: latency,
    });
    expect(created.statusCode).toBe(201);
    const stored = await app.inject({
      method: 'POST',
      url: '/v1/monitors/replay',
      headers: editor,
      payload: range,
    });
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toEqual(fromBody.json());

    // A viewer may not: each step of each monitor is work on the server.
    const denied = await app.inject({
      method: 'POST',
      url: '/v1/monitors/replay',
      headers: viewer,
      payload: range,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toContain('editor');
    const anonymous = await app.inject({ method: 'POST', url: '/v1/monitors/replay', payload: range });
    expect(anonymous.statusCode).toBe(401);

    const bad: Array<[unknown, string]> = [
      [{ ...range, from: undefined }, 'from: is required'],
      [{ ...range, to: 'tomorrow' }, 'to: '],
      [{ ...range, from: range.to, to: range.from }, 'from: must not be after to'],
      [{ ...range, step: '1 hour' }, 'step: must be a duration'],
      [{ ...range, step: '1m', to: new Date(t0 + 400 * HOUR).toISOString() }, 'step: 1m from'],
      [{ ...range, stepp: '1h' }, 'stepp: is not a replay field; the fields are from, to, step, monitors'],
      [{ ...range, monitors: [] }, 'monitors: must be a list of 1 to 200 monitors'],
      [
        { ...range, monitors: [{ ...latency, threshold: { op: '=', value: 1 } }] },
        'monitors[0].threshold.op: ',
      ],
      [{ ...range, monitors: [latency, latency] }, 'monitors[1].name: "fraud latency" appears twice'],
      [{ ...range, monitors: ['x'] }, 'monitors[0]: must be a JSON object'],
      [[range], 'body: must be a JSON object'],
    ];
    for (const [payload, message] of bad) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/monitors/replay',
        headers: editor,
        payload: payload as object,
      });
      expect(res.statusCode, message).toBe(400);
      expect(res.json().error.message, message).toContain(message);
    }
    // The bound on steps is named with its value.
    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/monitors/replay',
      headers: editor,
      payload: { ...range, step: '1m', to: new Date(t0 + 400 * HOUR).toISOString() },
    });
    expect(tooMany.json().error.message).toContain('more than the 10000 allowed');
  });
});
