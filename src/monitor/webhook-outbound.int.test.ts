import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type VigilServer } from '../server/index.js';
import { OutboundGuard } from '../shared/outbound-url.js';
import type { Store } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { type DeliveryAttempt, type Notification, WebhookNotifier } from './webhook.js';

// Issue 14, finding 1: monitor webhook URLs were a second (blind) SSRF. A webhook pointing at
// loopback, link-local or private addresses is refused when the monitor is written (400) and
// when a notification is sent; redirects are not followed. Only loopback is ever contacted.

let canary: Server;
let canaryPort: number;
let canaryHits = 0;
let redirector: Server;
let redirectorPort: number;

beforeAll(async () => {
  canary = createServer((req, res) => {
    canaryHits++;
    req.resume();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryPort = (canary.address() as AddressInfo).port;
  redirector = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `http://127.0.0.1:${canaryPort}/steal` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  redirectorPort = (redirector.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of [canary, redirector]) {
    s?.closeAllConnections();
    await new Promise((resolve) => s?.close(resolve));
  }
  cleanupTestDataDir();
});

const monitor = (url: string) => ({
  name: 'latency',
  model: 'fraud',
  // The model has no records here: these tests are about webhook addresses, not models.
  allow_unknown_model: true,
  kind: 'latency',
  metric: 'p99',
  threshold: { op: '>', value: 100 },
  notify: [{ url, secret: 's3cret' }],
});

describe('POST /v1/monitors with a webhook that reaches inside', () => {
  let store: Store;
  let server: VigilServer;
  let allowing: VigilServer;
  beforeAll(async () => {
    store = await openTestStore();
    server = await buildServer({ store });
    allowing = await buildServer({ store, allowOutbound: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await allowing?.close();
    await server?.close();
    if (store) await dropTestStore(store);
  });

  it.each([
    ['http://127.0.0.1:PORT/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://[::1]:PORT/hook', /::1 is a loopback address/],
    ['http://localhost:PORT/hook', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['http://[::ffff:7f00:1]:PORT/hook', /a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['http://172.16.0.1/hook', /172\.16\.0\.1 is a private address/],
    ['http://192.168.1.1/hook', /192\.168\.1\.1 is a private address/],
  ])('%s → 400 naming notify[0].url and the rule', async (template, rule) => {
    const url = template.replace('PORT', String(canaryPort));
    for (const method of ['POST', 'PUT'] as const) {
      const res = await server.app.inject({
        method,
        url: method === 'POST' ? '/v1/monitors' : '/v1/monitors/latency',
        payload: monitor(url),
      });
      expect(res.statusCode).toBe(400);
      const message = res.json().error.message as string;
      expect(message).toMatch(/^notify\[0\]\.url: /);
      expect(message).toMatch(rule);
      expect(message).toMatch(/unless the operator allows the host with --allow-outbound HOST$/);
    }
    expect(canaryHits).toBe(0);
  });

  it('the same local receiver is accepted where the operator allows it', async () => {
    const res = await allowing.app.inject({
      method: 'POST',
      url: '/v1/monitors',
      payload: monitor(`http://127.0.0.1:${canaryPort}/hook`),
    });
    expect(res.statusCode).toBe(201);
  });

  it.skipIf(testEngine !== 'server')(
    "the store's own ClickHouse port is refused although its host is allowed (server mode)",
    async () => {
      const res = await allowing.app.inject({
        method: 'POST',
        url: '/v1/monitors',
        payload: monitor(`${store.endpoint}/?query=INSERT%20INTO%20vigil.auth_keys%20FORMAT%20JSONEachRow`),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/^notify\[0\]\.url: .*Vigil's own store/);
    },
  );
});

describe('sending a notification', () => {
  const notification: Notification = {
    id: 'n1',
    monitor: 'latency',
    model: 'fraud',
    state: 'alert',
    value: 400,
    threshold: { op: '>', value: 100 },
    predicted_breach: null,
    reason: 'p99 400 > 100',
    time: Date.UTC(2026, 0, 1),
  };
  async function send(url: string, allow: string[]): Promise<DeliveryAttempt[]> {
    const log: DeliveryAttempt[] = [];
    const notifier = new WebhookNotifier({
      log: { record: (a) => void log.push(a) },
      outbound: new OutboundGuard({ allow }),
      initialBackoffMs: 10,
      maxAttempts: 3,
    });
    notifier.notify({ url }, notification);
    await notifier.idle();
    await notifier.close();
    return log;
  }

  it('to a loopback, link-local or private receiver fails at once, without a connection or retries', async () => {
    for (const url of [
      `http://127.0.0.1:${canaryPort}/hook`,
      `http://[::1]:${canaryPort}/hook`,
      `http://localhost:${canaryPort}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/hook',
      'http://172.16.0.1/hook',
      'http://192.168.1.1/hook',
    ]) {
      const log = await send(url, []);
      expect(log, url).toHaveLength(1);
      expect(log[0]).toMatchObject({ outcome: 'failed', status: null, attempt: 1 });
      expect(log[0]?.error).toMatch(/^url: .* address; outbound URLs may not reach .*; not retried$/);
    }
    expect(canaryHits).toBe(0);
  });

  it('to an allowed receiver is delivered', async () => {
    const log = await send(`http://127.0.0.1:${canaryPort}/hook`, [`127.0.0.1:${canaryPort}`]);
    expect(log).toMatchObject([{ outcome: 'delivered', status: 200 }]);
    expect(canaryHits).toBe(1);
    canaryHits = 0;
  });

  it('a redirect from an allowed receiver to a loopback URL is not followed', async () => {
    const log = await send(`http://127.0.0.1:${redirectorPort}/hook`, [`127.0.0.1:${redirectorPort}`]);
    expect(log).toMatchObject([
      { outcome: 'failed', status: 307, error: 'HTTP 307: redirects are not followed' },
    ]);
    expect(canaryHits).toBe(0);
  });
});
