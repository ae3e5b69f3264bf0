import { afterAll, describe, expect, it } from 'vitest';
import { alertIdOf } from '../monitor/alert-log.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { buildServer, type VigilServer } from './app.js';
import { type ModelSummary, modelPageUrls } from './cache/dashboard-views.js';
import { postNdjson, useTestServer } from './test-support.js';

// Issue 13, item 1: a model's status follows its open alerts and its default drift view (API.md,
// GET /v1/models): alert when an alert is open, warning when a warning is open or the default
// drift view finds dataset drift, else ok; GET /v1/models/{model} says the same.

const HOUR = 3_600_000;
const now = Math.floor(Date.now() / HOUR) * HOUR;

/** rows: `n` records of `model` in `environment` over the last day, features shifted by `shift`. */
function rows(
  model: string,
  environment: string,
  n: number,
  shift: number,
  extra: (i: number) => object = () => ({}),
) {
  return Array.from({ length: n }, (_, i) => ({
    model,
    environment,
    id: `${model}-${environment}-${i}`,
    timestamp: now - (environment === 'training' ? 30 : 1) * 24 * HOUR + i * 60_000,
    features: { a: (i % 50) + shift, b: ((i * 7) % 50) + shift, c: ((i * 13) % 50) + shift },
    prediction: { score: (i % 10) / 10 },
    ...extra(i),
  }));
}

/** openDefaultDriftViews asks every model's default drift view, as its page does when opened. */
async function openDefaultDriftViews(app: VigilServer['app']): Promise<void> {
  const list = (await app.inject({ method: 'GET', url: '/v1/models' })).json() as { models: ModelSummary[] };
  for (const m of list.models) {
    const url = defaultDriftUrl(m);
    expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  }
}

const defaultDriftUrl = (m: ModelSummary): string => {
  const url = modelPageUrls(m, Date.now()).find((u) => u.includes('/drift') && !u.includes('granularity='));
  if (url === undefined) throw new Error(`no drift view for ${m.model}`);
  return url;
};

describe('model status', () => {
  const ctx = useTestServer();

  it('is alert with an open alert, warning with an open warning or dataset drift, else ok; list and one agree', async () => {
    const { app, monitors } = ctx.server;
    for (const model of ['calm', 'drifty', 'alerty', 'warny']) {
      await postNdjson(app, '/v1/records', rows(model, 'training', 300, 0));
      await postNdjson(
        app,
        '/v1/records',
        rows(model, 'production', 300, model === 'drifty' ? 40 : 0, (i) => ({
          latency_ms: model === 'alerty' ? 500 + i : 10,
        })),
      );
    }
    // alerty: a latency monitor that alerts on the last hours.
    const alerting = (
      await app.inject({
        method: 'POST',
        url: '/v1/monitors',
        payload: {
          name: 'alerty p99 latency',
          model: 'alerty',
          kind: 'latency',
          metric: 'p99',
          threshold: { op: '>', value: 100 },
          window: '1h',
          cadence: '1h',
          policy: { alert_after: 1 },
        },
      })
    ).json() as { id: string };
    await monitors.evaluate('default', await monitors.get('default', alerting.id), now);
    // warny: an open warning (as an early warning leaves it).
    const warning = (
      await app.inject({
        method: 'POST',
        url: '/v1/monitors',
        payload: {
          name: 'warny accuracy',
          model: 'warny',
          kind: 'performance',
          metric: 'accuracy',
          threshold: { op: '<', value: 0.8 },
        },
      })
    ).json() as { id: string };
    const opened = now - 2 * HOUR;
    await monitors.alerts.put(
      'default',
      {
        id: alertIdOf(warning.id, opened),
        monitor: 'warny accuracy',
        monitor_id: warning.id,
        model: 'warny',
        kind: 'performance',
        metric: 'accuracy',
        state: 'warning',
        value: 0.82,
        threshold: { op: '<', value: 0.8 },
        opened: new Date(opened).toISOString(),
        updated: new Date(opened).toISOString(),
        warned: new Date(opened).toISOString(),
        alerted: null,
        predicted_breach: new Date(now + 24 * HOUR).toISOString(),
        reason: 'forecast crosses 0.8',
        contributors: [],
        acknowledged: false,
        acknowledged_at: null,
        muted_until: null,
      },
      Date.now(),
    );

    // The listing reads drift verdicts already computed, never computing one: each model's page
    // is opened first (its default drift view), as a visitor or the view warmer would.
    await openDefaultDriftViews(app);
    const list = (await app.inject({ method: 'GET', url: '/v1/models' })).json() as {
      models: Array<{ model: string; status: string; status_reason: string }>;
    };
    const by = new Map(list.models.map((m) => [m.model, m]));
    expect(by.get('calm')).toMatchObject({ status: 'ok' });
    expect(by.get('drifty')).toMatchObject({ status: 'warning' });
    expect(by.get('drifty')?.status_reason).toContain('dataset drift');
    expect(by.get('alerty')).toMatchObject({ status: 'alert', status_reason: '1 open alert: latency p99' });
    expect(by.get('warny')).toMatchObject({ status: 'warning', status_reason: '1 open warning: accuracy' });
    for (const m of list.models) {
      const one = (await app.inject({ method: 'GET', url: `/v1/models/${m.model}` })).json() as {
        status: string;
      };
      expect(one.status, m.model).toBe(m.status);
    }
    // A deleted monitor's open alert no longer counts.
    await app.inject({ method: 'DELETE', url: `/v1/monitors/${alerting.id}` });
    const after = (await app.inject({ method: 'GET', url: '/v1/models/alerty' })).json() as {
      status: string;
    };
    expect(after.status).toBe('ok');
  });

  it('a cold store: the overview computes no drift and says "drift not judged yet"; its model page then judges it', async () => {
    const { app } = ctx.server;
    await postNdjson(app, '/v1/records', rows('drifty', 'training', 300, 0));
    await postNdjson(app, '/v1/records', rows('drifty', 'production', 300, 40));
    const cold = (await app.inject({ method: 'GET', url: '/v1/models' })).json() as {
      models: Array<ModelSummary & { status: string; status_reason: string }>;
    };
    const [m] = cold.models;
    if (!m) throw new Error('no model listed');
    expect(m).toMatchObject({
      model: 'drifty',
      status: 'ok',
      status_reason: expect.stringContaining('drift not judged yet'),
    });
    // The listing computed no drift view: the model page's drift answer is not in the cache.
    const page = await app.inject({ method: 'GET', url: defaultDriftUrl(m) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-vigil-cache']).toBeUndefined();
    // The page's answer (now computed and cached) judges it.
    const seen = (await app.inject({ method: 'GET', url: '/v1/models/drifty' })).json() as { status: string };
    expect(seen.status).toBe('warning');
  });
});

describe('model status with the view warmer', () => {
  let server: VigilServer | undefined;
  afterAll(() => cleanupTestDataDir());

  it('the warmer fills the verdict the overview reads, and the overview keeps it across writes', async () => {
    const store = await openTestStore();
    try {
      server = await buildServer({ store, warmViews: { settleMs: 100 } });
      const { app } = server;
      await postNdjson(app, '/v1/records', rows('drifty', 'training', 300, 0));
      await postNdjson(app, '/v1/records', rows('drifty', 'production', 300, 40));
      const before = (await app.inject({ method: 'GET', url: '/v1/models/drifty' })).json() as {
        status_reason: string;
      };
      expect(before.status_reason).toContain('drift not judged yet');
      await server.warmer?.warmNow();
      const warmed = (await app.inject({ method: 'GET', url: '/v1/models' })).json() as {
        models: Array<{ model: string; status: string; status_reason: string }>;
      };
      expect(warmed.models[0]).toMatchObject({
        model: 'drifty',
        status: 'warning',
        status_reason: expect.stringContaining('dataset drift in the default view'),
      });
      // A write drops the cached answers; the warmer's verdict still stands.
      await postNdjson(app, '/v1/records', rows('drifty', 'production', 1, 40));
      const after = (await app.inject({ method: 'GET', url: '/v1/models/drifty' })).json() as {
        status: string;
      };
      expect(after.status).toBe('warning');
    } finally {
      await server?.close();
      await dropTestStore(store);
    }
  });
});
