import { describe, expect, it } from 'vitest';
import { buildServer } from '../app.js';
import { postNdjson, useTestServer } from '../test-support.js';

const t0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/** latencyRecords: 20 records an hour for `hours` hours; slow (400 ms) in the hours `slow` says. */
function latencyRecords(hours: number, slow: (h: number) => boolean, model = 'fraud') {
  const rows = [];
  for (let h = 0; h < hours; h++)
    for (let i = 0; i < 20; i++)
      rows.push({
        model,
        id: `r-${h}-${i}`,
        timestamp: t0 + h * HOUR + i * 60_000,
        features: { amount: i },
        prediction: { score: (i % 10) / 10 },
        latency_ms: slow(h) ? 400 + i : 20 + i,
      });
  return rows;
}

const latencyMonitor = {
  name: 'fraud p99 latency',
  model: 'fraud',
  kind: 'latency',
  metric: 'p99',
  threshold: { op: '>', value: 100 },
  window: '1h',
  cadence: '1h',
  policy: { alert_after: 1, resolve_after: 1 },
};

describe('monitors API', () => {
  const ctx = useTestServer();

  it('creates, lists, reads, replaces and deletes monitors, and refuses bad ones naming the field', async () => {
    const { app } = ctx.server;
    // Monitors watch models that exist (here: declared before their first record).
    await app.inject({ method: 'PUT', url: '/v1/models/fraud', payload: { task: 'binary' } });
    const created = await app.inject({ method: 'POST', url: '/v1/monitors', payload: latencyMonitor });
    expect(created.statusCode).toBe(201);
    const m = created.json() as { id: string; window: string; environment: string; baseline: string };
    expect(m).toMatchObject({ environment: 'production', baseline: 'training', window: '1h' });
    const list = (await app.inject({ method: 'GET', url: '/v1/monitors' })).json() as { monitors: unknown[] };
    expect(list.monitors).toHaveLength(1);
    const put = await app.inject({
      method: 'PUT',
      url: `/v1/monitors/${m.id}`,
      payload: { ...latencyMonitor, threshold: { op: '>', value: 200 } },
    });
    expect(put.statusCode).toBe(200);
    const got = (await app.inject({ method: 'GET', url: `/v1/monitors/${m.id}` })).json() as {
      threshold: { value: number };
      status: { state: string };
    };
    expect(got.threshold.value).toBe(200);
    expect(got.status.state).toBe('ok');
    // Another project sees none of it.
    const other = await app.inject({
      method: 'GET',
      url: `/v1/monitors/${m.id}`,
      headers: { 'x-vigil-project': 'b' },
    });
    expect(other.statusCode).toBe(404);

    const bad: Array<[unknown, string]> = [
      [{ ...latencyMonitor, kind: 'vibes' }, 'kind'],
      [{ ...latencyMonitor, metric: 'p42' }, 'metric'],
      [{ ...latencyMonitor, threshold: { op: '=', value: 1 } }, 'threshold.op'],
      [{ ...latencyMonitor, threshold: { op: '>', value: 'NaN' } }, 'threshold.value'],
      [{ ...latencyMonitor, window: '1 day' }, 'window'],
      [{ ...latencyMonitor, cadence: '1s' }, 'cadence'],
      [{ ...latencyMonitor, model: "fraud' OR 1=1 --" }, 'model'],
      [{ ...latencyMonitor, notify: ['file:///etc/passwd'] }, 'notify[0].url'],
      [{ ...latencyMonitor, baseline: { from: 'yesterday' } }, 'baseline.from'],
      [{ ...latencyMonitor, __proto__: { admin: true }, surprise: 1 }, 'surprise'],
      [[latencyMonitor], 'body'],
      [{ ...latencyMonitor, model: 'credti' }, 'credti'],
      [{ ...latencyMonitor, model: 'credti', allow_unknown_model: 'yes' }, 'allow_unknown_model'],
    ];
    for (const [payload, field] of bad) {
      const res = await app.inject({ method: 'POST', url: '/v1/monitors', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect((res.json() as { error: { message: string } }).error.message).toContain(field);
    }
    expect(
      ((await app.inject({ method: 'GET', url: '/v1/monitors' })).json() as { monitors: unknown[] }).monitors,
    ).toHaveLength(1);

    expect((await app.inject({ method: 'DELETE', url: `/v1/monitors/${m.id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/v1/monitors/${m.id}` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/v1/monitors/nope' })).statusCode).toBe(404);
  });

  it('refuses a monitor on a model that does not exist (400 naming it) unless allow_unknown_model is true', async () => {
    const { app } = ctx.server;
    const typo = await app.inject({
      method: 'POST',
      url: '/v1/monitors',
      payload: { ...latencyMonitor, model: 'credti' },
    });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toMatchObject({ error: { code: 'unknown_model' } });
    expect((typo.json() as { error: { message: string } }).error.message).toContain('"credti"');
    const allowed = await app.inject({
      method: 'POST',
      url: '/v1/monitors',
      payload: { ...latencyMonitor, model: 'credti', allow_unknown_model: true },
    });
    expect(allowed.statusCode).toBe(201);
    expect(allowed.json()).not.toHaveProperty('allow_unknown_model');
    // A model with records is known.
    await postNdjson(
      app,
      '/v1/records',
      latencyRecords(1, () => false, 'credit'),
    );
    const known = await app.inject({
      method: 'POST',
      url: '/v1/monitors',
      payload: { ...latencyMonitor, model: 'credit' },
    });
    expect(known.statusCode).toBe(201);
  });

  it('gives monitor, status and delivery times as RFC 3339 UTC', async () => {
    const { app, monitors } = ctx.server;
    await postNdjson(
      app,
      '/v1/records',
      latencyRecords(3, () => false),
    );
    const created = (
      await app.inject({
        method: 'POST',
        url: '/v1/monitors',
        payload: { ...latencyMonitor, baseline: { from: t0, to: t0 + HOUR } },
      })
    ).json() as { id: string; created: unknown; updated: unknown; baseline: unknown };
    const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    expect(created.created).toMatch(rfc3339);
    expect(created.updated).toMatch(rfc3339);
    expect(created.baseline).toEqual({
      from: new Date(t0).toISOString(),
      to: new Date(t0 + HOUR).toISOString(),
    });
    await monitors.evaluate('default', await monitors.get('default', created.id), t0 + 3 * HOUR);
    const list = (await app.inject({ method: 'GET', url: '/v1/monitors' })).json() as {
      monitors: Array<{
        created: unknown;
        updated: unknown;
        status: { evaluated: unknown; next_run: unknown };
      }>;
    };
    expect(list.monitors[0]?.created).toMatch(rfc3339);
    expect(list.monitors[0]?.updated).toMatch(rfc3339);
    expect(list.monitors[0]?.status.evaluated).toBe(new Date(t0 + 3 * HOUR).toISOString());
    expect(list.monitors[0]?.status.next_run).toBe(new Date(t0 + 4 * HOUR).toISOString());
    const one = (await app.inject({ method: 'GET', url: `/v1/monitors/${created.id}` })).json() as {
      created: unknown;
    };
    expect(one.created).toMatch(rfc3339);
  });

  it('raises one alert with its reason, lists it by model and state, acknowledges, mutes and resolves it', async () => {
    const { app, monitors } = ctx.server;
    // Slow from hour 30 to hour 35, fast before and after.
    const res = await postNdjson(
      app,
      '/v1/records',
      latencyRecords(40, (h) => h >= 30 && h < 36),
    );
    expect(res.body['accepted']).toBe(800);
    const m = (await app.inject({ method: 'POST', url: '/v1/monitors', payload: latencyMonitor })).json() as {
      id: string;
    };
    const monitor = await monitors.get('default', m.id);
    await monitors.evaluate('default', monitor, t0 + 33 * HOUR);

    const alerts = (
      await app.inject({ method: 'GET', url: '/v1/alerts?model=fraud&state=alert' })
    ).json() as {
      alerts: Array<Record<string, unknown>>;
    };
    expect(alerts.alerts).toHaveLength(1);
    const a = alerts.alerts[0]!;
    expect(a).toMatchObject({
      monitor: 'fraud p99 latency',
      state: 'alert',
      threshold: { op: '>', value: 100 },
    });
    expect(a['value']).toBeGreaterThan(400);
    expect(a['opened']).toBe(new Date(t0 + 31 * HOUR).toISOString());
    expect(String(a['reason'])).toMatch(/> 100/);
    expect((await app.inject({ method: 'GET', url: '/v1/alerts?model=other' })).json()).toEqual({
      alerts: [],
    });
    expect((await app.inject({ method: 'GET', url: '/v1/alerts?state=nonsense' })).statusCode).toBe(400);

    const ack = await app.inject({ method: 'POST', url: `/v1/alerts/${a['id']}/ack` });
    expect(ack.json()).toMatchObject({ acknowledged: true });
    const until = t0 + 48 * HOUR;
    const muted = await app.inject({ method: 'POST', url: `/v1/alerts/${a['id']}/mute`, payload: { until } });
    expect(muted.json()).toMatchObject({ muted_until: new Date(until).toISOString() });
    expect(
      (await app.inject({ method: 'POST', url: `/v1/alerts/${a['id']}/mute`, payload: {} })).statusCode,
    ).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/v1/alerts/a-nope/ack' })).statusCode).toBe(404);

    // Evaluating the same hour again changes nothing; later hours stay one episode, then resolve.
    await monitors.evaluate('default', monitor, t0 + 33 * HOUR + 10);
    await monitors.evaluate('default', monitor, t0 + 38 * HOUR);
    const all = (await app.inject({ method: 'GET', url: '/v1/alerts' })).json() as {
      alerts: Array<{ id: string; state: string; acknowledged: boolean }>;
    };
    expect(all.alerts, JSON.stringify(all.alerts, null, 1)).toHaveLength(1);
    expect(all.alerts[0]).toMatchObject({ id: a['id'], state: 'resolved', acknowledged: true });
    const detail = (await app.inject({ method: 'GET', url: `/v1/alerts/${a['id']}` })).json() as {
      history: Array<{ state: string }>;
    };
    expect(detail.history.map((e) => e.state)).toEqual(['alert', 'resolved']);
  });

  it('survives a restart: monitors, their state and their alerts are read back from the store', async () => {
    const { app, monitors } = ctx.server;
    await postNdjson(
      app,
      '/v1/records',
      latencyRecords(10, (h) => h >= 8),
    );
    const m = (await app.inject({ method: 'POST', url: '/v1/monitors', payload: latencyMonitor })).json() as {
      id: string;
    };
    await monitors.evaluate('default', await monitors.get('default', m.id), t0 + 10 * HOUR);
    await ctx.server.close();
    const again = await buildServer({ store: ctx.store });
    try {
      const got = (await again.app.inject({ method: 'GET', url: `/v1/monitors/${m.id}` })).json() as {
        status: { state: string; evaluated: string };
      };
      expect(got.status).toMatchObject({ state: 'alert', evaluated: new Date(t0 + 10 * HOUR).toISOString() });
      const alerts = (await again.app.inject({ method: 'GET', url: '/v1/alerts' })).json() as {
        alerts: unknown[];
      };
      expect(alerts.alerts).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('evaluates on cadence with the scheduler, without being asked', async () => {
    const { app } = ctx.server;
    const now = Date.now();
    const rows = latencyRecords(3, () => true).map((r, i) => ({
      ...r,
      timestamp: now - 2 * HOUR + i * 60_000,
    }));
    await postNdjson(app, '/v1/records', rows);
    const m = (await app.inject({ method: 'POST', url: '/v1/monitors', payload: latencyMonitor })).json() as {
      id: string;
    };
    const scheduled = await buildServer({ store: ctx.store, monitors: { scheduler: true, tickMs: 200 } });
    try {
      await expect
        .poll(
          async () =>
            (
              (await scheduled.app.inject({ method: 'GET', url: `/v1/monitors/${m.id}` })).json() as {
                status: { evaluated: string | null };
              }
            ).status.evaluated,
          { timeout: 30_000, interval: 200 },
        )
        .toBe(new Date(Math.floor(now / HOUR) * HOUR).toISOString());
    } finally {
      await scheduled.close();
    }
  });
});
