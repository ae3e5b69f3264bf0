import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericPayload, type Notification, slackPayload } from '../monitor/webhook.js';
import type { Alert, AlertDetail } from '../server/api-types.js';
import { buildServer, type VigilServer } from '../server/index.js';
import { systemClock } from '../shared/index.js';
import { Entities, type Store } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { seedDemoMonitors } from './demo-monitors.js';
import { seedDemo } from './demo-workspace.js';

// The demo's fraud alerts say why they opened: their top contributors in the API's alert detail,
// and in the webhook and Slack payloads built from the alert.

describe(`the demo's fraud alerts are explained (${testEngine})`, () => {
  let store: Store;
  let server: VigilServer;
  const now = Date.UTC(2026, 5, 15, 12);

  beforeAll(async () => {
    store = await openTestStore();
    server = await buildServer({ store });
    await seedDemo(server.store, server.ingest, now);
    await seedDemoMonitors(server.monitors, new Entities(server.store, systemClock), now);
  }, 600_000);

  afterAll(async () => {
    await server?.close();
    if (store) await dropTestStore(store);
    cleanupTestDataDir();
  });

  it('the realised-accuracy alert carries its top 3 contributors in the API, the webhook and Slack payloads', async () => {
    const list = (await server.app.inject({ method: 'GET', url: '/v1/alerts?model=fraud' })).json() as {
      alerts: Alert[];
    };
    const alert = list.alerts.find((a) => a.monitor === 'fraud accuracy (realised)' && a.explanation);
    expect(
      alert,
      JSON.stringify(list.alerts.map((a) => [a.monitor, a.state, !!a.explanation])),
    ).toBeDefined();
    const detail = (
      await server.app.inject({ method: 'GET', url: `/v1/alerts/${alert!.id}` })
    ).json() as AlertDetail;
    const e = detail.explanation!;
    expect(e.metric).toBe('accuracy');
    expect(e.top.length).toBe(3);
    process.stdout.write(
      `demo fraud alert explained: ${JSON.stringify(e.top.map((c) => [c.dimension, c.segment, c.contribution]))}\n`,
    );
    // Accuracy fell, and the leading segment pulled it down, beyond its interval.
    expect(e.change!).toBeLessThan(0);
    expect(e.top[0]!.contribution).toBeLessThan(0);
    expect(e.top[0]!.high).toBeLessThan(0);
    const leader = `${e.top[0]!.dimension}=${e.top[0]!.segment}`;

    const n: Notification = {
      id: 'x',
      monitor: alert!.monitor,
      model: 'fraud',
      state: 'alert',
      value: alert!.value,
      threshold: alert!.threshold,
      predicted_breach: null,
      reason: alert!.reason,
      time: now,
      explanation: detail.explanation ?? null,
    };
    const json = genericPayload(n) as { explanation: { top: Array<{ segment: string }> } };
    expect(json.explanation.top.map((c) => c.segment)).toEqual(e.top.map((c) => c.segment));
    expect(JSON.stringify(slackPayload(n).blocks)).toContain(leader);
  });

  it('explains the demo quickly (timed, not asserted)', async () => {
    const from = new Date(now - 8 * 86_400_000).toISOString();
    const to = new Date(now).toISOString();
    for (const metric of ['accuracy', 'volume', 'mean_score']) {
      const url = `/v1/models/fraud/explain?metric=${metric}&from=${from}&to=${to}${metric === 'volume' ? '' : '&baseline=training'}`;
      await server.app.inject({ method: 'GET', url });
      const t0 = performance.now();
      const res = await server.app.inject({ method: 'GET', url });
      const ms = performance.now() - t0;
      expect(res.statusCode, res.body).toBe(200);
      process.stdout.write(`explain ${metric} on the demo: ${ms.toFixed(0)} ms\n`);
    }
  });
});
