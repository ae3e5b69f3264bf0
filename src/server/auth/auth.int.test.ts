import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.js';
import type { Store } from '../../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../../store/test-support/test-store.js';
import { buildServer } from '../app.js';
import { fraudRecord, ndjson } from '../test-support.js';
import { type AuthedServer, authedServer, bearer, concreteUrl } from './test-support.js';

// Issue 9, done-when 1, and the rest of auth: keys and roles on every route, revocation, the
// dashboard's cookie sessions with CSRF protection, security headers and the audit log.

let store: Store;
let s: AuthedServer;

beforeEach(async () => {
  store = await openTestStore();
  // Experiments below name http://127.0.0.1:9 as their source (never called): allowed for the suite.
  s = await authedServer(store, { allowOutbound: ['127.0.0.1:9'] });
});
afterEach(async () => {
  await s.server.close();
  await dropTestStore(store);
});
afterAll(() => cleanupTestDataDir());

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** apiRoutes: every /v1 route of the server (from the auth hook's onRoute list), deduplicated. */
function apiRoutes(): Array<{ method: string; url: string; public: boolean }> {
  const seen = new Set<string>();
  return s.app.vigilRoutes
    .filter((r) => r.url.startsWith('/v1') && r.method !== 'OPTIONS')
    .filter((r) => !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`))
    .map((r) => ({
      method: r.method,
      url: r.url,
      public: r.config.auth === 'public' || r.url === '/v1/labs/widget.js',
    }));
}

function body(method: string) {
  return WRITE_METHODS.has(method) ? { payload: {} } : {};
}

describe('without a key', () => {
  it('every /v1 route answers 401 unauthorized, and public routes still answer', async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes.filter((x) => !x.public)) {
      const res = await s.app.inject({
        method: r.method as 'GET',
        url: concreteUrl(r.url, 'x'),
        ...body(r.method),
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      if (r.method !== 'HEAD') expect(res.json().error.code).toBe('unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/v1/session' })).json()).toEqual({
      auth: 'on',
      authenticated: false,
    });
    // Unknown /v1 paths do not reveal whether they exist; /metrics needs a key too.
    expect((await s.app.inject({ method: 'GET', url: '/v1/no-such-thing' })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/%761/models' })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it('a malformed, unknown or wrong key is 401 too', async () => {
    const { id } = await s.key('p1', 'admin');
    const wrong = `vgl_${id}_${'A'.repeat(43)}`;
    for (const auth of [
      'Bearer nope',
      'Basic dXNlcjpwYXNz',
      `Bearer vgl_0123456789abcdef_${'B'.repeat(43)}`,
      `Bearer ${wrong}`,
    ]) {
      const res = await s.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: auth } });
      expect(res.statusCode, auth).toBe(401);
    }
  });
});

describe('roles', () => {
  it('a viewer key reads but every write answers 403 forbidden', async () => {
    const { key } = await s.key('p1', 'viewer');
    const read = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) });
    expect(read.statusCode).toBe(200);
    const writes = apiRoutes().filter((r) => WRITE_METHODS.has(r.method) && !r.public);
    expect(writes.length).toBeGreaterThan(8);
    for (const r of writes) {
      const res = await s.app.inject({
        method: r.method as 'POST',
        url: concreteUrl(r.url, 'x'),
        headers: bearer(key),
        payload: {},
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    // Admin reads are writes' equals: a viewer cannot list keys or read the audit log.
    for (const url of ['/v1/keys', '/v1/audit'])
      expect((await s.app.inject({ method: 'GET', url, headers: bearer(key) })).statusCode).toBe(403);
  });

  it('an editor writes data but cannot manage keys; an admin can', async () => {
    const editor = (await s.key('p1', 'editor')).key;
    const admin = (await s.key('p1', 'admin')).key;
    const ingest = await s.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(editor, { 'content-type': 'application/x-ndjson' }),
      payload: ndjson([fraudRecord(1)]),
    });
    expect(ingest.statusCode).toBe(200);
    expect(ingest.json().accepted).toBe(1);
    const denied = await s.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(editor),
      payload: { role: 'viewer' },
    });
    expect(denied.statusCode).toBe(403);
    const made = await s.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: bearer(admin),
      payload: { role: 'viewer', name: 'grafana' },
    });
    expect(made.statusCode).toBe(201);
    const created = made.json();
    expect(created.key).toMatch(/^vgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ project: 'p1', role: 'viewer', name: 'grafana' });
    expect(made.headers['cache-control']).toBe('no-store');
    const read = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(created.key) });
    expect(read.statusCode).toBe(200);
  });

  it('the key decides the project: X-Vigil-Project may only repeat it', async () => {
    const { key } = await s.key('p1', 'editor');
    await s.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: bearer(key, { 'content-type': 'application/x-ndjson' }),
      payload: ndjson([fraudRecord(1)]),
    });
    const same = await s.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: bearer(key, { 'x-vigil-project': 'p1' }),
    });
    expect(same.json().models.map((m: { model: string }) => m.model)).toEqual(['fraud']);
    const other = await s.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: bearer(key, { 'x-vigil-project': 'p2' }),
    });
    expect(other.statusCode).toBe(403);
    const otherKey = (await s.key('p2', 'viewer')).key;
    const p2 = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(otherKey) });
    expect(p2.json().models).toEqual([]);
  });
});

describe('keys', () => {
  it('GET /v1/keys lists the project’s keys without secrets, with last_used and revoked', async () => {
    const admin = await s.key('p1', 'admin');
    await s.key('p2', 'admin');
    const res = await s.app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(admin.key) });
    expect(res.statusCode).toBe(200);
    const keys = res.json().keys as Array<Record<string, unknown>>;
    expect(keys.map((k) => k['id'])).toEqual([admin.id]);
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual([
      'created',
      'id',
      'last_used',
      'name',
      'revoked',
      'role',
    ]);
    expect(res.body).not.toContain(admin.key.split('_').at(-1));
    // last_used is written off the request path; it shows up shortly after a use.
    await expect
      .poll(async () => {
        const r = await s.app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(admin.key) });
        return (r.json().keys as Array<{ last_used: string | null }>)[0]?.last_used;
      })
      .toMatch(/^\d{4}-/);
  });

  it('a revoked key stops working on the next request', async () => {
    const admin = await s.key('p1', 'admin');
    const victim = await s.key('p1', 'editor');
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(victim.key) })).statusCode,
    ).toBe(200);
    const del = await s.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${victim.id}`,
      headers: bearer(admin.key),
    });
    expect(del.statusCode).toBe(200);
    expect(del.json().id).toBe(victim.id);
    const after = await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(victim.key) });
    expect(after.statusCode).toBe(401);
    const list = (await s.app.inject({ method: 'GET', url: '/v1/keys', headers: bearer(admin.key) })).json()
      .keys;
    expect(list.find((k: { id: string }) => k.id === victim.id).revoked).toMatch(/^\d{4}-/);
  });

  it('a key over its request rate gets 429 with Retry-After; other keys are not held back', async () => {
    const limited = await authedServer(store, { requestsPerSecondPerKey: 2 });
    try {
      const busy = await limited.key('p1', 'viewer');
      const calm = await limited.key('p1', 'viewer');
      const codes: number[] = [];
      for (let i = 0; i < 8; i++)
        codes.push(
          (await limited.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(busy.key) }))
            .statusCode,
        );
      expect(codes.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(codes).toContain(429);
      const res = await limited.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(busy.key) });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.json().error.code).toBe('rate_limited');
      expect(
        (await limited.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(calm.key) }))
          .statusCode,
      ).toBe(200);
    } finally {
      await limited.server.close();
    }
  });

  it('guessing keys is slowed down: repeated invalid keys from one address get 429', async () => {
    const codes = new Set<number>();
    for (let i = 0; i < 30; i++)
      codes.add(
        (
          await s.app.inject({
            method: 'GET',
            url: '/v1/models',
            headers: bearer(`vgl_${'0'.repeat(16)}_guess${i}`),
          })
        ).statusCode,
      );
    expect([...codes].sort()).toEqual([401, 429]);
  });

  it('Labs feedback from a browser needs no key, only a feedback token minted with an editor key', async () => {
    const admin = await s.key('p1', 'admin');
    const editor = await s.key('p1', 'editor');
    const viewer = await s.key('p1', 'viewer');
    const E = '/v1/labs/experiments';
    const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
      s.app.inject({ method: 'POST', url, payload, headers });
    const created = await post(
      E,
      { name: 'exp', source: { type: 'http', url: 'http://127.0.0.1:9/predict' } },
      bearer(admin.key),
    );
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await post(`${E}/${id}/state`, { state: 'live' }, bearer(editor.key))).statusCode).toBe(200);
    expect(
      (await post(`${E}/${id}/enroll`, { user: 'u1', accept_terms: true }, bearer(editor.key))).statusCode,
    ).toBe(200);
    expect((await post(`${E}/${id}/feedback`, { user: 'u1', speed: 'ok' })).statusCode).toBe(401);
    expect(
      (await post(`${E}/${id}/feedback`, { user: 'u1', speed: 'ok' }, bearer(viewer.key))).statusCode,
    ).toBe(403);
    expect((await post(`${E}/${id}/feedback-token`, { user: 'u1' }, bearer(viewer.key))).statusCode).toBe(
      403,
    );
    const { token } = (await post(`${E}/${id}/feedback-token`, { user: 'u1' }, bearer(editor.key))).json();
    const res = await post(`${E}/${id}/feedback`, { token, speed: 'too_slow' });
    expect(res.statusCode).toBe(200);
  });

  it("an admin cannot revoke another project's key (404), nor pass a non-id", async () => {
    const admin = await s.key('p1', 'admin');
    const foreign = await s.key('p2', 'viewer');
    for (const id of [foreign.id, '../x', "x' OR 1=1 --"]) {
      const res = await s.app.inject({
        method: 'DELETE',
        url: `/v1/keys/${encodeURIComponent(id)}`,
        headers: bearer(admin.key),
      });
      expect(res.statusCode, id).toBe(404);
    }
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(foreign.key) })).statusCode,
    ).toBe(200);
  });

  it('a key revoked on another node stops working here within revalidateMs', async () => {
    const clock = fixedClock(Date.UTC(2026, 0, 1));
    const nodeA = await authedServer(store, { clock, revalidateMs: 5000 });
    const nodeB = await buildServer({ store, clock, auth: { enabled: true, revalidateMs: 5000 } });
    try {
      const admin = await nodeA.key('p1', 'admin');
      const victim = await nodeA.key('p1', 'viewer');
      const onB = () => nodeB.app.inject({ method: 'GET', url: '/v1/models', headers: bearer(victim.key) });
      expect((await onB()).statusCode).toBe(200);
      const del = await nodeA.app.inject({
        method: 'DELETE',
        url: `/v1/keys/${victim.id}`,
        headers: bearer(admin.key),
      });
      expect(del.statusCode).toBe(200);
      // B still trusts what it read (no store read per request) until revalidateMs has passed.
      clock.advance(1000);
      expect((await onB()).statusCode).toBe(200);
      clock.advance(4000);
      expect((await onB()).statusCode).toBe(401);
    } finally {
      await nodeA.server.close();
      await nodeB.close();
    }
  });
});

describe('dashboard session', () => {
  const login = async (key: string) => {
    const res = await s.app.inject({ method: 'POST', url: '/v1/session', payload: { key } });
    const cookie = String(res.headers['set-cookie'] ?? '');
    return { res, cookie, pair: cookie.split(';')[0] ?? '' };
  };

  it('logs in with a key into an httpOnly SameSite=Strict cookie, and logs out', async () => {
    const { key } = await s.key('p1', 'editor');
    const bad = await login(`${key.slice(0, -2)}xx`);
    expect(bad.res.statusCode).toBe(401);
    expect(bad.cookie).toBe('');
    const { res, cookie, pair } = await login(key);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ authenticated: true, project: 'p1', role: 'editor' });
    expect(cookie).toMatch(/^vigil_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain(key);
    const state = await s.app.inject({ method: 'GET', url: '/v1/session', headers: { cookie: pair } });
    expect(state.json()).toMatchObject({ auth: 'on', authenticated: true, project: 'p1' });
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/models', headers: { cookie: pair } })).statusCode,
    ).toBe(200);
    const out = await s.app.inject({ method: 'DELETE', url: '/v1/session', headers: { cookie: pair } });
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/models', headers: { cookie: pair } })).statusCode,
    ).toBe(401);
  });

  it('cookie writes need the CSRF header or the same Origin; cross-site ones are refused', async () => {
    const { key } = await s.key('p1', 'editor');
    const { pair } = await login(key);
    const put = (headers: Record<string, string>) =>
      s.app.inject({
        method: 'PUT',
        url: '/v1/models/fraud',
        headers: { cookie: pair, ...headers },
        payload: { task: 'binary' },
      });
    expect((await put({})).statusCode).toBe(403);
    expect((await put({ origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await put({ 'x-vigil-csrf': '1' })).statusCode).toBe(200);
    expect((await put({ origin: 'http://localhost:80', host: 'localhost:80' })).statusCode).toBe(200);
  });

  it("revoking a key ends its sessions; a session keeps its key's role", async () => {
    const admin = await s.key('p1', 'admin');
    const viewer = await s.key('p1', 'viewer');
    const { pair } = await login(viewer.key);
    const write = await s.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      headers: { cookie: pair, 'x-vigil-csrf': '1' },
      payload: { task: 'binary' },
    });
    expect(write.statusCode).toBe(403);
    await s.app.inject({ method: 'DELETE', url: `/v1/keys/${viewer.id}`, headers: bearer(admin.key) });
    expect(
      (await s.app.inject({ method: 'GET', url: '/v1/models', headers: { cookie: pair } })).statusCode,
    ).toBe(401);
  });
});

describe('headers', () => {
  it('API responses carry security headers', async () => {
    for (const url of ['/healthz', '/v1/models']) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('audit log', () => {
  it('records key and experiment changes with who, what and when; admins query it per project', async () => {
    const admin = await s.key('p1', 'admin');
    const made = (
      await s.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: bearer(admin.key),
        payload: { role: 'editor', name: 'ci' },
      })
    ).json();
    await s.app.inject({ method: 'DELETE', url: `/v1/keys/${made.id}`, headers: bearer(admin.key) });
    const exp = await s.app.inject({
      method: 'POST',
      url: '/v1/labs/experiments',
      headers: bearer(admin.key),
      payload: { name: 'audit me', source: { type: 'http', url: 'http://127.0.0.1:9/score' } },
    });
    expect(exp.statusCode).toBe(201);
    const id = exp.json().id as string;
    const kill = await s.app.inject({
      method: 'POST',
      url: `/v1/labs/experiments/${id}/state`,
      headers: bearer(admin.key),
      payload: { state: 'killed' },
    });
    expect(kill.statusCode).toBe(200);

    const res = await s.app.inject({ method: 'GET', url: '/v1/audit', headers: bearer(admin.key) });
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as Array<{
      actor: string;
      action: string;
      target: string;
      time: string;
    }>;
    expect(entries.map((e) => e.action).sort()).toEqual([
      'experiment.create',
      'experiment.kill',
      'key.create',
      'key.revoke',
    ]);
    for (const e of entries) {
      expect(e.actor).toBe(admin.id);
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(entries.find((e) => e.action === 'key.revoke')?.target).toBe(made.id);
    const only = await s.app.inject({
      method: 'GET',
      url: '/v1/audit?action=key.create',
      headers: bearer(admin.key),
    });
    expect(only.json().entries.map((e: { target: string }) => e.target)).toEqual([made.id]);
    const future = await s.app.inject({
      method: 'GET',
      url: '/v1/audit?from=2199-01-01T00:00:00Z',
      headers: bearer(admin.key),
    });
    expect(future.json().entries).toEqual([]);
    const bad = await s.app.inject({
      method: 'GET',
      url: '/v1/audit?from=yesterday',
      headers: bearer(admin.key),
    });
    expect(bad.statusCode).toBe(400);
    // Another project's admin sees none of it.
    const other = await s.key('p2', 'admin');
    const theirs = await s.app.inject({ method: 'GET', url: '/v1/audit', headers: bearer(other.key) });
    expect(theirs.json().entries).toEqual([]);
  });
});
