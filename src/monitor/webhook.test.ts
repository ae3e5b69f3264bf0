import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundGuard } from '../shared/outbound-url.js';
import {
  type DeliveryAttempt,
  genericPayload,
  type Notification,
  signBody,
  slackPayload,
  verifySignature,
  WebhookNotifier,
} from './webhook.js';

/** The receivers below are this file's own servers on loopback: the operator allows them. */
const LOCAL = new OutboundGuard({ allow: ['127.0.0.1'] });

const t0 = Date.UTC(2026, 10, 29, 8);

const note = (i: number, over: Partial<Notification> = {}): Notification => ({
  id: `n-${i}`,
  monitor: 'fraud accuracy',
  model: 'fraud',
  state: 'alert',
  value: 0.74,
  threshold: { op: '<', value: 0.8 },
  predicted_breach: null,
  reason: 'value 0.74 < 0.8 for 3 consecutive evaluations',
  time: t0 + i * 3_600_000,
  ...over,
});

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** Receiver is a local HTTP server whose responses the test scripts. */
class Receiver {
  readonly received: Received[] = [];
  respond: (req: Received) => number | { status: number; headers?: Record<string, string>; hangMs?: number } =
    () => 200;
  server: Server | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const got = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
        const r = this.respond(got);
        const spec = typeof r === 'number' ? { status: r } : r;
        if (spec.status >= 200 && spec.status < 300) this.received.push(got);
        const send = (): void => {
          res.writeHead(spec.status, spec.headers ?? {});
          res.end();
        };
        if (spec.hangMs) setTimeout(send, spec.hangMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }
}

const receivers: Receiver[] = [];
const notifiers: WebhookNotifier[] = [];
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close({ timeoutMs: 10 });
  for (const r of receivers.splice(0)) await r.stop();
});

async function receiver(): Promise<Receiver> {
  const r = new Receiver();
  await r.start();
  receivers.push(r);
  return r;
}

function notifier(log: DeliveryAttempt[], over: ConstructorParameters<typeof WebhookNotifier>[0] = {}) {
  const n = new WebhookNotifier({
    log: { record: (a) => void log.push(a) },
    initialBackoffMs: 50,
    maxBackoffMs: 300,
    timeoutMs: 1000,
    random: () => 0.5,
    outbound: LOCAL,
    ...over,
  });
  notifiers.push(n);
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WebhookNotifier delivery', () => {
  it('a receiver down for ~2.5 s receives every notification afterwards, signed, in order; the caller never waited', async () => {
    const r = await receiver();
    const port = r.port;
    await r.stop(); // the receiver is down: connections are refused
    const log: DeliveryAttempt[] = [];
    const n = notifier(log);
    const secret = 'whsec-test';
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const result = n.notify({ url: `http://127.0.0.1:${port}/hook`, secret }, note(i));
      expect(result).toEqual({ queued: true });
    }
    const callerMs = performance.now() - started;
    expect(callerMs).toBeLessThan(50);
    await sleep(2500);
    expect(r.received).toHaveLength(0);
    expect(log.filter((a) => a.outcome === 'retry').length).toBeGreaterThan(3);
    await r.start(port); // back up on the same port
    await Promise.race([n.idle(), sleep(5000)]);
    expect(r.received.map((x) => (JSON.parse(x.body) as { id: string }).id)).toEqual([
      'n-0',
      'n-1',
      'n-2',
      'n-3',
      'n-4',
    ]);
    for (const got of r.received) {
      expect(verifySignature(secret, got.body, got.headers['x-vigil-signature'] as string)).toBe(true);
      expect(Number(got.headers['x-vigil-timestamp'])).toBeGreaterThan(1_600_000_000);
      expect(got.headers['content-type']).toBe('application/json');
    }
    expect(log.filter((a) => a.outcome === 'delivered')).toHaveLength(5);
    expect(log.find((a) => a.outcome === 'retry')?.error).toMatch(/fetch failed|ECONNREFUSED|TypeError/);
  }, 15_000);

  it('sends the Slack shape to Slack receivers and the generic shape to others', async () => {
    const r = await receiver();
    const n = notifier([]);
    n.notify({ url: r.url, format: 'slack' }, note(1));
    n.notify({ url: `${r.url}?generic`, format: 'json' }, note(2));
    await n.idle();
    const bodies = r.received.map((x) => JSON.parse(x.body) as Record<string, unknown>);
    const slack = bodies.find((b) => 'blocks' in b)!;
    const generic = bodies.find((b) => 'type' in b)!;
    expect(Object.keys(slack).sort()).toEqual(['blocks', 'text']);
    expect(generic).toMatchObject({ type: 'vigil.alert', id: 'n-2', state: 'alert', value: 0.74 });
    expect(r.received.every((x) => x.headers['x-vigil-signature'] === undefined)).toBe(true);
  });

  it('does not retry a permanent 4xx, and moves on to the next notification', async () => {
    const r = await receiver();
    r.respond = (req) => (req.body.includes('"n-0"') ? 400 : 200);
    const log: DeliveryAttempt[] = [];
    const n = notifier(log);
    n.notify({ url: r.url }, note(0));
    n.notify({ url: r.url }, note(1));
    await n.idle();
    expect(log.map((a) => `${a.notificationId}:${a.outcome}:${a.status}`)).toEqual([
      'n-0:failed:400',
      'n-1:delivered:200',
    ]);
    expect(log[0]?.error).toBe('permanent HTTP 400');
  });

  it('retries 503 and 429, honouring Retry-After up to the backoff cap', async () => {
    const r = await receiver();
    let calls = 0;
    r.respond = () => {
      calls++;
      if (calls === 1) return 503;
      if (calls === 2) return { status: 429, headers: { 'retry-after': '0.2' } };
      return 200;
    };
    const log: DeliveryAttempt[] = [];
    const n = notifier(log);
    n.notify({ url: r.url }, note(0));
    await n.idle();
    expect(log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'delivered']);
    // Equal jitter with random 0.5: 50 → 37.5 ms; then Retry-After 200 ms beats 75 ms.
    expect(log[0]?.nextAttemptInMs).toBeCloseTo(37.5, 6);
    expect(log[1]?.nextAttemptInMs).toBeCloseTo(200, 6);
  });

  it('times out a hanging receiver and retries', async () => {
    const r = await receiver();
    let calls = 0;
    r.respond = () => (++calls === 1 ? { status: 200, hangMs: 2000 } : 200);
    const log: DeliveryAttempt[] = [];
    const n = notifier(log, { timeoutMs: 200 });
    n.notify({ url: r.url }, note(0));
    await n.idle();
    expect(log.map((a) => a.outcome)).toEqual(['retry', 'delivered']);
    expect(log[0]?.error).toMatch(/TimeoutError|aborted/i);
  });

  it('gives up after maxAttempts and logs every attempt', async () => {
    const r = await receiver();
    r.respond = () => 500;
    const log: DeliveryAttempt[] = [];
    const n = notifier(log, { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 });
    n.notify({ url: r.url }, note(0));
    await n.idle();
    expect(log.map((a) => `${a.attempt}:${a.outcome}`)).toEqual(['1:retry', '2:retry', '3:failed']);
    expect(log[2]?.error).toBe('gave up after 3 attempts');
  });

  it('keeps the backoff exponential and capped', async () => {
    const r = await receiver();
    r.respond = () => 502;
    const log: DeliveryAttempt[] = [];
    const n = notifier(log, { maxAttempts: 5, initialBackoffMs: 10, maxBackoffMs: 40, random: () => 1 });
    n.notify({ url: r.url }, note(0));
    await n.idle();
    expect(log.filter((a) => a.outcome === 'retry').map((a) => a.nextAttemptInMs)).toEqual([10, 20, 40, 40]);
  });

  it('drops the oldest waiting notification when a queue is full', async () => {
    const r = await receiver();
    const port = r.port;
    await r.stop();
    const log: DeliveryAttempt[] = [];
    const n = notifier(log, { queueCapacity: 2 });
    n.notify({ url: `http://127.0.0.1:${port}/h` }, note(0));
    await sleep(20); // n-0 is now in flight (retrying), which does not count toward capacity
    for (let i = 1; i < 5; i++) n.notify({ url: `http://127.0.0.1:${port}/h` }, note(i));
    // n-1 and n-2 were pushed out by n-3 and n-4.
    expect(log.filter((a) => a.outcome === 'dropped').map((a) => a.notificationId)).toEqual(['n-1', 'n-2']);
    await r.start(port);
    await Promise.race([n.idle(), sleep(3000)]);
    expect(r.received.map((x) => (JSON.parse(x.body) as { id: string }).id)).toEqual(['n-0', 'n-3', 'n-4']);
  });

  it('keeps one receiver failing from delaying another', async () => {
    const good = await receiver();
    const bad = await receiver();
    bad.respond = () => 503;
    const n = notifier([], { initialBackoffMs: 1000, maxBackoffMs: 1000 });
    n.notify({ url: bad.url }, note(0));
    n.notify({ url: good.url }, note(1));
    const started = performance.now();
    while (good.received.length === 0 && performance.now() - started < 2000) await sleep(5);
    expect(good.received).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('ignores a delivery log that throws or rejects', async () => {
    const r = await receiver();
    const n = new WebhookNotifier({
      log: {
        record: (a) => {
          if (a.outcome === 'delivered') return Promise.reject(new Error('db down'));
          throw new Error('db down');
        },
      },
      initialBackoffMs: 10,
      outbound: LOCAL,
    });
    notifiers.push(n);
    let calls = 0;
    r.respond = () => (++calls === 1 ? 500 : 200);
    n.notify({ url: r.url }, note(0));
    await n.idle();
    expect(r.received).toHaveLength(1);
  });
});

describe('WebhookNotifier.close', () => {
  it('refuses new notifications and abandons what cannot be delivered by the deadline', async () => {
    const r = await receiver();
    r.respond = () => 503;
    const log: DeliveryAttempt[] = [];
    const n = notifier(log, { initialBackoffMs: 5000, maxBackoffMs: 5000 });
    n.notify({ url: r.url }, note(0));
    n.notify({ url: r.url }, note(1));
    await sleep(100);
    const started = performance.now();
    const { abandoned } = await n.close({ timeoutMs: 100 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(abandoned).toBe(2);
    expect(n.notify({ url: r.url }, note(2))).toEqual({ queued: false, reason: 'closed' });
    expect(log.filter((a) => a.outcome === 'abandoned').map((a) => a.notificationId)).toEqual(['n-0', 'n-1']);
  });

  it('drains a healthy queue before resolving', async () => {
    const r = await receiver();
    const n = notifier([]);
    for (let i = 0; i < 3; i++) n.notify({ url: r.url }, note(i));
    expect(await n.close({ timeoutMs: 2000 })).toEqual({ abandoned: 0 });
    expect(r.received).toHaveLength(3);
    expect(n.pending()).toEqual({ [r.url]: 0 });
  });

  it('rejects invalid options', () => {
    expect(() => new WebhookNotifier({ queueCapacity: 0 })).toThrow(RangeError);
    expect(() => new WebhookNotifier({ timeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('payloads and signatures', () => {
  it('signs the raw body with HMAC-SHA256 (RFC 4231 test case 2)', () => {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies only the exact signature', () => {
    const sig = signBody('k', '{"a":1}');
    expect(verifySignature('k', '{"a":1}', sig)).toBe(true);
    expect(verifySignature('k', '{"a":2}', sig)).toBe(false);
    expect(verifySignature('other', '{"a":1}', sig)).toBe(false);
    expect(verifySignature('k', '{"a":1}', undefined)).toBe(false);
    expect(verifySignature('k', '{"a":1}', 'sha256=00')).toBe(false);
  });

  it('renders the generic payload with RFC 3339 times', () => {
    const p = genericPayload(note(0, { predicted_breach: t0 + 86_400_000, opened: t0 }));
    expect(p).toEqual({
      type: 'vigil.alert',
      id: 'n-0',
      monitor: 'fraud accuracy',
      model: 'fraud',
      state: 'alert',
      value: 0.74,
      threshold: { op: '<', value: 0.8 },
      predicted_breach: '2026-11-30T08:00:00.000Z',
      reason: 'value 0.74 < 0.8 for 3 consecutive evaluations',
      time: '2026-11-29T08:00:00.000Z',
      opened: '2026-11-29T08:00:00.000Z',
      contributors: [],
      link: null,
    });
  });

  it('renders a Slack message with escaped mrkdwn, fields, contributors and a link', () => {
    const p = slackPayload(
      note(0, {
        state: 'warning',
        predicted_breach: t0,
        contributors: [{ feature: 'amount<usd>', value: 0.31 }],
        link: 'http://vigil.local/alerts/1',
      }),
    );
    expect(p.text).toBe(
      '[WARNING] fraud accuracy (fraud): value 0.74 &lt; 0.8 for 3 consecutive evaluations',
    );
    expect(p.blocks.map((b) => (b as { type: string }).type)).toEqual([
      'section',
      'section',
      'section',
      'context',
    ]);
    const json = JSON.stringify(p.blocks);
    expect(json).toContain(':warning:');
    expect(json).toContain('amount&lt;usd&gt;');
    expect(json).toContain('*Predicted breach*');
    expect(json).toContain('<http://vigil.local/alerts/1|Open in Vigil>');
  });
});
