import { describe, expect, it } from 'vitest';
import { alertIdOf } from '../monitor/alert-log.js';
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
});
