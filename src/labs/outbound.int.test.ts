import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AuthedServer, authedServer, bearer } from '../server/auth/test-support.js';
import type { Store } from '../store/index.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../store/test-support/test-store.js';
import { type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';

// Issue 14, finding 1: a Labs HTTP source was an SSRF that echoed its answers. An editor pointed
// an experiment at the ClickHouse HTTP port on loopback and read (and wrote) another project's
// rows. These tests replay the attack against a real server and store; only loopback is ever
// contacted: the other addresses must be refused before any connection.

const E = '/v1/labs/experiments';

/** A local HTTP server that counts the requests it gets: the attack's target. */
let canary: Server;
let canaryPort: number;
let canaryHits = 0;
/** A local model server: answers JSON on /ok, an error page with a secret on /500, a redirect on /redirect. */
let model: Server;
let modelPort: number;

beforeAll(async () => {
  canary = createServer((req, res) => {
    canaryHits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"rows":"project beta secrets"}');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryPort = (canary.address() as AddressInfo).port;
  model = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/redirect')
        res.writeHead(302, { location: `http://127.0.0.1:${canaryPort}/steal` }).end();
      else if (req.url === '/500')
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal-stack-trace-and-secrets');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"score":0.9}');
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  modelPort = (model.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of [canary, model]) {
    s?.closeAllConnections();
    await new Promise((resolve) => s?.close(resolve));
  }
  cleanupTestDataDir();
});

function httpSource(url: string) {
  return {
    name: 'ssrf',
    source: { type: 'http', url, protocol: 'json' },
    allocation: { percent: 100 },
    limits: { timeout_ms: 2000, rate_per_user_per_min: 10_000 },
  };
}

describe('creating an experiment whose HTTP source reaches inside (auth on, no allow-list)', () => {
  let store: Store;
  let s: AuthedServer;
  beforeAll(async () => {
    store = await openTestStore();
    s = await authedServer(store);
  });
  afterAll(async () => {
    await s?.server.close();
    if (store) await dropTestStore(store);
  });

  const create = async (key: string, url: string) => {
    const res = await s.app.inject({
      method: 'POST',
      url: E,
      payload: httpSource(url),
      headers: bearer(key),
    });
    return { status: res.statusCode, body: res.json() as { error?: { code: string; message: string } } };
  };

  it("the issue's attack: the store's (or any local) HTTP port on loopback is refused with a 400 naming the rule", async () => {
    const admin = await s.key('alpha', 'admin');
    // In server mode this is the real ClickHouse HTTP port, with the query; embedded, a local service.
    const base = store.endpoint ?? `http://127.0.0.1:${canaryPort}`;
    const url = `${base}/?query=SELECT%20*%20FROM%20vigil.records%20WHERE%20project%3D'beta'%20FORMAT%20JSON%20/*`;
    const r = await create(admin.key, url);
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('invalid_request');
    expect(r.body.error?.message).toMatch(
      store.endpoint
        ? /^source\.url: 127\.0\.0\.1 port \d+ is Vigil's own store; outbound URLs may not reach it unless the operator allows exactly that host:port with --allow-outbound$/
        : /^source\.url: 127\.0\.0\.1 is a loopback address; outbound URLs may not reach loopback, link-local or private addresses unless the operator allows the host with --allow-outbound HOST$/,
    );
    expect(canaryHits).toBe(0);
  });

  it.each([
    ['http://[::1]:PORT/', /::1 is a loopback address/],
    ['http://localhost:PORT/', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['http://[::ffff:127.0.0.1]:PORT/', /a loopback address/],
    ['http://2130706433:PORT/', /127\.0\.0\.1 is a loopback address/],
    ['http://0.0.0.0:PORT/', /0\.0\.0\.0 is an unspecified address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://10.0.0.1/', /10\.0\.0\.1 is a private address/],
    ['http://172.16.0.1/', /172\.16\.0\.1 is a private address/],
    ['http://192.168.1.1/', /192\.168\.1\.1 is a private address/],
    ['http://100.64.0.1/', /shared \(carrier-grade NAT\) address/],
    ['http://[fd00::1]/', /fd00::1 is a private address/],
    ['http://[fe80::1]/', /fe80::1 is a link-local address/],
  ])('%s is refused with a 400 naming the rule, before any connection', async (template, rule) => {
    const admin = await s.key('alpha', 'admin');
    const r = await create(admin.key, template.replace('PORT', String(canaryPort)));
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toMatch(/^source\.url: /);
    expect(r.body.error?.message).toMatch(rule);
    expect(canaryHits).toBe(0);
  });

  it('an editor may not create an HTTP source at all: 403 naming the admin role', async () => {
    const editor = await s.key('alpha', 'editor');
    const r = await create(editor.key, 'https://models.example.com/score');
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({
      code: 'forbidden',
      message:
        'source: an experiment with an http source needs the admin role (the server calls its URL); the key is editor',
    });
  });
});

describe('with the operator allow-list', () => {
  let store: Store;
  let s: AuthedServer;
  beforeAll(async () => {
    store = await openTestStore();
    s = await authedServer(store, { allowOutbound: ['127.0.0.1', 'localhost'] });
  });
  afterAll(async () => {
    await s?.server.close();
    if (store) await dropTestStore(store);
  });

  it('the same local source works', async () => {
    const admin = await s.key('alpha', 'admin');
    const h = bearer(admin.key);
    const created = await s.app.inject({
      method: 'POST',
      url: E,
      payload: httpSource(`http://127.0.0.1:${modelPort}/score`),
      headers: h,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await s.app.inject({ method: 'POST', url: `${E}/${id}/state`, payload: { state: 'live' }, headers: h });
    await s.app.inject({
      method: 'POST',
      url: `${E}/${id}/enroll`,
      payload: { user: 'u1', accept_terms: true },
      headers: h,
    });
    const r = await s.app.inject({
      method: 'POST',
      url: `${E}/${id}/predict`,
      payload: { user: 'u1', input: { x: 1 } },
      headers: h,
    });
    expect(r.json()).toMatchObject({ outcome: 'ok', output: { score: 0.9 } });
  });

  it.skipIf(testEngine !== 'server')(
    "the store's own host:port stays refused although its host is allowed (server mode)",
    async () => {
      const admin = await s.key('alpha', 'admin');
      const r = await s.app.inject({
        method: 'POST',
        url: E,
        payload: httpSource(
          `${store.endpoint}/?query=INSERT%20INTO%20vigil.auth_keys%20FORMAT%20JSONEachRow`,
        ),
        headers: bearer(admin.key),
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toMatch(/^source\.url: .*port \d+ is Vigil's own store/);
    },
  );
});

describe('at call time (the address is checked and pinned on every call)', () => {
  let open: LabsTestApp;
  let strict: LabsTestApp;
  beforeAll(async () => {
    // Two nodes on one store: one whose operator allows the model server, one that allows nothing.
    open = await labsTestApp({ allowOutbound: [`127.0.0.1:${modelPort}`] });
    strict = await labsTestApp({ store: open.store });
  });
  afterAll(async () => {
    await strict?.close();
    await open?.close();
  });
  afterEach(() => {
    canaryHits = 0;
  });

  const body = (path: string) => ({
    name: `call ${path}`,
    source: { type: 'http', url: `http://127.0.0.1:${modelPort}${path}`, protocol: 'json' },
    allocation: { percent: 100 },
    limits: { timeout_ms: 2000, rate_per_user_per_min: 10_000, circuit_failures: 1000 },
  });
  const predict = (t: LabsTestApp, id: string) =>
    t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: { x: 1 } });

  it('a redirect from an allowed model server to a loopback URL is refused; the target is never called', async () => {
    const id = await startExperiment(open, body('/redirect'));
    const r = await predict(open, id);
    expect(r.body).toMatchObject({ outcome: 'error', reason: 'http_status' });
    expect(String(r.body['message'])).toMatch(/HTTP 302 \(a redirect\); redirects are not followed/);
    expect(canaryHits).toBe(0);
  });

  it('a node whose operator does not allow the host refuses the call, before connecting', async () => {
    const id = await startExperiment(open, body('/score'));
    expect((await predict(open, id)).body).toMatchObject({ outcome: 'ok' });
    const r = await predict(strict, id);
    expect(r.body).toMatchObject({ outcome: 'error', reason: 'forbidden_address' });
    expect(String(r.body['message'])).toMatch(/^source\.url: 127\.0\.0\.1 is a loopback address/);
  });

  it("an upstream error answer's body is never shown to the caller, only its status", async () => {
    const id = await startExperiment(open, body('/500'));
    const r = await predict(open, id);
    expect(r.body).toMatchObject({ outcome: 'error', reason: 'http_status' });
    expect(JSON.stringify(r.body)).not.toContain('internal-stack-trace');
    expect(String(r.body['message'])).toBe('the model server answered HTTP 500');
  });
});
