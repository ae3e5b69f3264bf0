import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../server/index.js';
import { postNdjson } from '../server/test-support.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { verifySignature } from './webhook.js';

// Issue 4, done-when 4: a receiver that is down for two minutes gets every notification
// afterwards, signed and in order, and the evaluations that raised them never waited for it.
// The outage is real time, so the test runs once (on the embedded engine): the store plays no
// part in delivery.
const OUTAGE_MS = Number(process.env['VIGIL_WEBHOOK_OUTAGE_MS'] ?? 120_000);
const t0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const SECRET = 'webhook-secret';

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

function listen(port: number, received: Received[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

afterAll(() => cleanupTestDataDir());

describe.skipIf(testEngine !== 'chdb')('webhook receiver down for two minutes', () => {
  it(
    'receives every notification afterwards, signed and in order; evaluation never waited',
    async () => {
      // A port that refuses connections now and is listened on later.
      const probe = await listen(0, []);
      const port = (probe.address() as AddressInfo).port;
      await new Promise((r) => probe.close(r));

      const store = await openTestStore();
      const server = await buildServer({
        store,
        monitors: { webhook: { initialBackoffMs: 500, maxBackoffMs: 5000, maxAttempts: 200 } },
        // The receiver is this test's own server on loopback: the operator allows it.
        allowOutbound: [`127.0.0.1:${port}`],
      });
      let receiver: Server | undefined;
      try {
        // Slow (400 ms) in hours 2-3, 6-7 and 10-11, fast otherwise.
        const rows = [];
        for (let h = 0; h < 13; h++)
          for (let i = 0; i < 10; i++)
            rows.push({
              model: 'fraud',
              id: `r-${h}-${i}`,
              timestamp: t0 + h * HOUR + i * 60_000,
              prediction: { score: 0.5 },
              latency_ms: Math.floor(h / 2) % 2 === 1 ? 400 : 20,
            });
        await postNdjson(server.app, '/v1/records', rows);
        const created = await server.app.inject({
          method: 'POST',
          url: '/v1/monitors',
          payload: {
            name: 'fraud latency',
            model: 'fraud',
            kind: 'latency',
            metric: 'p99',
            threshold: { op: '>', value: 100 },
            window: '1h',
            cadence: '1h',
            policy: { alert_after: 1, resolve_after: 1 },
            notify: [{ url: `http://127.0.0.1:${port}/hook`, secret: SECRET }],
          },
        });
        const monitor = await server.monitors.get('default', (created.json() as { id: string }).id);

        const outageStarted = performance.now();
        const slowest: number[] = [];
        for (let h = 2; h <= 13; h++) {
          const started = performance.now();
          await server.monitors.evaluate('default', monitor, t0 + h * HOUR);
          slowest.push(performance.now() - started);
        }
        const evaluatedIn = performance.now() - outageStarted;
        const history = await server.monitors.alerts.history('default', monitor.id);
        const notified = history.filter((e) => e.state === 'alert' || e.state === 'resolved');
        expect(notified.map((e) => e.state)).toEqual([
          'alert',
          'resolved',
          'alert',
          'resolved',
          'alert',
          'resolved',
        ]);

        // Every evaluation has returned while the receiver is still down: none waited on it.
        const received: Received[] = [];
        await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (performance.now() - outageStarted))));
        expect(received).toHaveLength(0);
        receiver = await listen(port, received);
        const back = performance.now();
        await expect.poll(() => received.length, { timeout: 30_000, interval: 100 }).toBe(notified.length);
        process.stdout.write(
          `webhook outage ${(OUTAGE_MS / 1000).toFixed(0)} s: 12 evaluations took ${evaluatedIn.toFixed(0)} ms ` +
            `(slowest ${Math.max(...slowest).toFixed(0)} ms) while the receiver was down; all ${received.length} ` +
            `notifications arrived ${(performance.now() - back).toFixed(0)} ms after it came back\n`,
        );
        for (const r of received)
          expect(verifySignature(SECRET, r.body, r.headers['x-vigil-signature'] as string)).toBe(true);
        const payloads = received.map(
          (r) => JSON.parse(r.body) as { state: string; time: string; monitor: string },
        );
        expect(payloads.map((p) => p.state)).toEqual(notified.map((e) => e.state));
        expect(payloads.map((p) => p.time)).toEqual(notified.map((e) => e.time));
        // The delivery log has each failed attempt and each delivery (written in the background).
        await expect
          .poll(
            async () =>
              (await server.monitors.deliveries('default')).filter((d) => d['outcome'] === 'delivered')
                .length,
          )
          .toBe(notified.length);
        const log = await server.monitors.deliveries('default');
        expect(log.filter((d) => d['outcome'] === 'retry').length).toBeGreaterThan(0);
      } finally {
        await server.close();
        await new Promise((r) => receiver?.close(r) ?? r(undefined));
        await dropTestStore(store);
      }
    },
    OUTAGE_MS + 120_000,
  );
});
