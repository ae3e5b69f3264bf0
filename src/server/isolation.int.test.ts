import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ident, joinSql, type Sql, type Store, sql, str } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { type AuthedServer, authedServer, bearer } from './auth/test-support.js';

// Issue 9, done-when 2: a key of project A can neither read nor write nor infer anything of
// project B through any route or parameter. Every route the server registers is found from
// Fastify (the auth hook's onRoute list) and must have a case below: a route added later fails
// this suite until someone says what to send it. For every route, with A's admin key:
// - B's real names and ids, fake ones of the same shape, and hostile strings (SQL fragments,
//   path tricks, unicode) as path parameters and query values;
// - no answer is a 5xx, no answer carries B's data (B's rows hold "b-secret" / "b_secret" markers
//   that A never sends, and B's ids), and B's real ids answer exactly as fake ones do (no
//   inferring what exists);
// - X-Vigil-Project: B is refused (403) everywhere;
// - every table's rows of project B are the same before and after all of it.

const A = 'proj_a';
const B = 'proj_b';
const T0 = Date.UTC(2026, 10, 1);
const HOSTILE = [
  "b_model' OR 1=1 --",
  "' UNION SELECT body FROM entities --",
  '../b_model',
  '..%2F..%2Fb_model',
  'b_mödel☃\u202e',
  '*',
];

let store: Store;
let s: AuthedServer;
const keys: Record<string, { id: string; key: string }> = {};

interface Seeded {
  experiment: string;
  monitor: string | null;
}
const seeded: Record<string, Seeded> = {};

async function call(
  key: string,
  method: string,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: bearer(key, headers),
    ...(payload === undefined ? {} : { payload: payload as string }),
  });
  return { status: res.statusCode, text: res.body };
}

async function ok(
  key: string,
  method: string,
  url: string,
  payload?: unknown,
  headers?: Record<string, string>,
) {
  const r = await call(key, method, url, payload, headers);
  if (r.status >= 300) throw new Error(`seeding ${method} ${url}: ${r.status} ${r.text}`);
  return JSON.parse(r.text) as Record<string, unknown>;
}

/** seed gives project p (prefix a|b) data of every kind, each carrying `${prefix}-secret` markers. */
async function seed(p: string, prefix: 'a' | 'b'): Promise<Seeded> {
  const editor = keys[`${p}:editor`]!.key;
  const records = Array.from({ length: 24 }, (_, i) => ({
    model: i % 2 ? `${prefix}_model` : 'shared_model',
    environment: i % 3 === 0 ? 'training' : 'production',
    id: `${prefix}-rec-${i}`,
    timestamp: T0 + i * 3_600_000,
    features: { [`${prefix}_secret_feature`]: i * 1.5, country: `${prefix}-secret-country-${i % 2}` },
    tags: { [`${prefix}_secret_tag`]: `${prefix}-secret-region-${i % 2}` },
    prediction: { label: i % 4 ? `${prefix}-secret-label` : 'other', score: (i % 10) / 10 },
  }));
  const ndjson = { 'content-type': 'application/x-ndjson' };
  const body = records.map((r) => JSON.stringify(r)).join('\n');
  expect((await ok(editor, 'POST', '/v1/records', body, ndjson))['accepted']).toBe(24);
  await ok(
    editor,
    'POST',
    '/v1/actuals',
    records.map((r) => ({ model: r.model, id: r.id, actual: { label: `${prefix}-secret-label` } })),
  );
  // A rejected row (bad timestamp), kept with its raw text.
  await call(editor, 'POST', '/v1/records', [
    { model: `${prefix}_model`, timestamp: `${prefix}-secret-rejected` },
  ]);
  await ok(editor, 'PUT', `/v1/models/${prefix}_model`, {
    task: 'binary',
    positive_label: `${prefix}-secret-label`,
  });
  await ok(editor, 'PUT', '/v1/models/shared_model', {
    task: 'binary',
    positive_label: `${prefix}-secret-label`,
  });
  for (const name of [`${prefix}_series`, 'shared_series'])
    await ok(editor, 'POST', `/v1/series/${name}/points`, {
      points: Array.from({ length: 30 }, (_, i) => ({ timestamp: T0 + i * 3_600_000, value: i % 7 })),
    });
  // An HTTP source needs the admin role (issue 14); 127.0.0.1:9 is allow-listed for this suite.
  const exp = await ok(keys[`${p}:admin`]!.key, 'POST', '/v1/labs/experiments', {
    name: `${prefix}-secret-experiment`,
    description: `${prefix}-secret-description`,
    source: { type: 'http', url: 'http://127.0.0.1:9/score' },
  });
  await ok(editor, 'POST', `/v1/labs/experiments/${exp['id']}/state`, { state: 'live' });
  await ok(editor, 'POST', `/v1/labs/experiments/${exp['id']}/enroll`, {
    user: `${prefix}-secret-user`,
    accept_terms: true,
  });
  await ok(editor, 'POST', `/v1/labs/experiments/${exp['id']}/feedback`, {
    user: `${prefix}-secret-user`,
    speed: 'ok',
    comment: `${prefix}-secret-comment`,
  });
  let monitor: string | null = null;
  if (s.app.vigilRoutes.some((r) => r.method === 'POST' && r.url === '/v1/monitors')) {
    const m = await ok(editor, 'POST', '/v1/monitors', {
      name: `${prefix}-secret-monitor`,
      model: `${prefix}_model`,
      kind: 'volume',
      threshold: { op: '<', value: 1 },
      notify: [`https://${prefix}-secret-hook.example/x`],
    });
    monitor = String(m['id']);
  }
  // Use every key once, so their last_used rows exist before B's snapshot.
  for (const role of ['viewer', 'editor', 'admin']) await ok(keys[`${p}:${role}`]!.key, 'GET', '/v1/models');
  return { experiment: String(exp['id']), monitor };
}

const keyIdsOf = (p: string) => ['viewer', 'editor', 'admin'].map((r) => keys[`${p}:${r}`]!.id);

/**
 * snapshotB reads project B's rows of every table. Tables without a project column are covered by
 * what ties them to B (key usage and sessions by B's key ids); an unknown one fails the suite.
 */
async function snapshotB(): Promise<Record<string, string[]>> {
  const tables = await store.query<{ name: string; engine: string }>(
    sql`SELECT name, engine FROM system.tables WHERE database = ${str(store.database)} ORDER BY name`,
  );
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    // Server-wide bookkeeping that holds no project's data: the schema log, the scheduler lease
    // and the cluster's write counters (node names and counts only).
    if (t.name === 'migrations' || t.name === 'leases' || t.name === 'write_marks') continue;
    const cols = (
      await store.query<{ name: string }>(
        sql`SELECT name FROM system.columns WHERE database = ${str(store.database)} AND table = ${str(t.name)}`,
      )
    ).map((c) => c.name);
    let where: Sql;
    if (cols.includes('project')) where = sql`project = ${str(B)}`;
    else if (t.name === 'auth_key_usage') where = sql`id IN (${joinSql(keyIdsOf(B).map(str), ', ')})`;
    else if (t.name === 'auth_sessions') where = sql`key_id IN (${joinSql(keyIdsOf(B).map(str), ', ')})`;
    else throw new Error(`table ${t.name} has no project column: teach snapshotB how to find B's rows`);
    const final = t.engine.startsWith('Replacing') ? sql`FINAL` : sql``;
    const rows = await store.query(
      sql`SELECT * FROM ${ident(store.database)}.${ident(t.name)} ${final} WHERE ${where}`,
    );
    out[t.name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** What a route is sent: its body (writes) and the query values (reads), for one candidate value. */
interface Case {
  body?: (v: string) => unknown;
  query?: (v: string) => Record<string, string>;
  contentType?: string;
}

const windowQuery = (v: string) => ({
  model: v,
  by: v,
  from: new Date(T0).toISOString(),
  to: new Date(T0 + 30 * 86_400_000).toISOString(),
});
const monitorBody = (v: string) => ({
  name: `monitor ${v}`.slice(0, 200),
  model: 'b_model',
  kind: 'volume',
  threshold: { op: '<', value: 1 },
});

/** CASES: one per route the server has. A new route without a case fails the suite. */
const CASES: Record<string, Case> = {
  'GET /': {},
  'GET /*': {},
  'GET /healthz': {},
  'GET /metrics': {},
  'GET /openapi.json': {},
  'GET /v1/session': {},
  'POST /v1/session': { body: (v) => ({ key: v }) },
  'DELETE /v1/session': {},
  'GET /v1/keys': {},
  'POST /v1/keys': { body: (v) => ({ role: 'viewer', name: v.slice(0, 128) }) },
  'DELETE /v1/keys/:id': {},
  'GET /v1/audit': { query: (v) => ({ action: v, from: new Date(T0).toISOString() }) },
  'POST /v1/records': {
    contentType: 'application/x-ndjson',
    body: (v) =>
      JSON.stringify({ model: 'b_model', id: 'b-rec-1', timestamp: T0, features: { x: 1 }, tags: { t: v } }),
  },
  'POST /v1/actuals': { body: () => [{ model: 'b_model', id: 'b-rec-1', actual: { label: 'overwritten' } }] },
  'GET /v1/models': {},
  'GET /v1/models/:model': {},
  'PUT /v1/models/:model': { body: () => ({ task: 'regression', positive_label: 'overwritten' }) },
  'GET /v1/models/:model/performance': { query: windowQuery },
  'GET /v1/models/:model/drift': { query: windowQuery },
  'GET /v1/models/:model/residuals': { query: (v) => ({ ...windowQuery(v), horizon: 'PT1H' }) },
  'GET /v1/models/:model/segments': { query: windowQuery },
  'GET /v1/models/:model/drift/over-time': { query: windowQuery },
  'GET /v1/models/:model/quality': { query: windowQuery },
  'GET /v1/models/:model/explain': {
    query: (v) => ({
      from: windowQuery(v).from,
      to: windowQuery(v).to,
      metric: 'volume',
      baseline: 'training',
    }),
  },
  'GET /v1/models/:model/compare': {
    query: (v) => ({
      baseline: v,
      candidate: v,
      baseline_environment: 'training',
      candidate_environment: 'production',
      by: v,
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 30 * 86_400_000).toISOString(),
    }),
  },
  'GET /v1/rejected': { query: (v) => ({ model: v }) },
  'POST /v1/anomalies/detect': {
    body: () => ({
      series: Array.from({ length: 20 }, (_, i) => ({ timestamp: T0 + i * 60_000, value: i })),
    }),
  },
  'POST /v1/series/:name/points': { body: () => ({ points: [{ timestamp: T0, value: 999 }] }) },
  'GET /v1/series/:name/anomalies': { query: windowQuery },
  'GET /v1/monitors': {},
  'POST /v1/monitors': { body: monitorBody },
  'GET /v1/monitors/:id': {},
  'PUT /v1/monitors/:id': { body: monitorBody },
  'POST /v1/monitors/replay': {
    body: (v) => ({
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 86_400_000).toISOString(),
      step: '6h',
      monitors: [monitorBody(v)],
    }),
  },
  'DELETE /v1/monitors/:id': {},
  'GET /v1/monitors/:id/events': {},
  'GET /v1/alerts': { query: (v) => ({ model: v }) },
  'GET /v1/alerts/:id': {},
  'POST /v1/alerts/:id/ack': { body: () => ({}) },
  'POST /v1/alerts/:id/mute': { body: () => ({ until: new Date(T0 + 86_400_000).toISOString() }) },
  'POST /v1/alerts/:id/resolve': { body: () => ({}) },
  'GET /v1/webhooks/deliveries': {},
  'POST /v1/labs/experiments': {
    body: (v) => ({ name: `exp ${v}`.slice(0, 100), source: { type: 'http', url: 'http://127.0.0.1:9/x' } }),
  },
  'GET /v1/labs/experiments': { query: () => ({ user: 'b-secret-user' }) },
  'GET /v1/labs/experiments/:id': {},
  'POST /v1/labs/experiments/:id/state': { body: () => ({ state: 'killed' }) },
  'POST /v1/labs/experiments/:id/enroll': { body: () => ({ user: 'b-secret-user', accept_terms: true }) },
  'DELETE /v1/labs/experiments/:id/enroll/:user': {},
  'POST /v1/labs/experiments/:id/predict': { body: () => ({ user: 'b-secret-user', input: {} }) },
  'POST /v1/labs/experiments/:id/feedback': { body: () => ({ user: 'b-secret-user', speed: 'too_slow' }) },
  'POST /v1/labs/experiments/:id/feedback-token': { body: () => ({ user: 'b-secret-user' }) },
  'GET /v1/labs/experiments/:id/report': { query: () => ({ format: 'json' }) },
  'GET /v1/labs/widget.js': {},
};

/** candidates gives, for a route, B's real value, a fake of the same shape, and hostile strings. */
function candidates(url: string): { real: string; fake: string; hostile: string[] } {
  const b = seeded[B]!;
  let real = 'b_model';
  let fake = 'zz_model';
  if (url.startsWith('/v1/series/')) [real, fake] = ['b_series', 'zz_series'];
  else if (url.startsWith('/v1/labs/experiments/'))
    [real, fake] = [b.experiment, 'zz-secret-000000'.replace('secret', 'absent')];
  else if (url.startsWith('/v1/keys/')) [real, fake] = [keys[`${B}:viewer`]!.id, '0123456789abcdef'];
  else if (url.startsWith('/v1/monitors/') && b.monitor)
    [real, fake] = [b.monitor, `${b.monitor.slice(0, -4)}zzzz`];
  return { real, fake, hostile: HOSTILE };
}

function urlFor(pattern: string, v: string, query: Record<string, string> = {}): string {
  const path = pattern.replace(/:[A-Za-z_]+/g, encodeURIComponent(v)).replace(/\*$/, encodeURIComponent(v));
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}?${qs}` : path;
}

/** leaks lists what of B an answer shows that the request did not itself send. */
function leaks(answer: string, sent: string): string[] {
  const found = answer.match(/b[-_]secret[\w-]*/gi) ?? [];
  const ids = ['b_model', 'b_series', seeded[B]!.experiment, seeded[B]!.monitor, ...keyIdsOf(B)].filter(
    (x): x is string => !!x,
  );
  return [
    ...found.filter((m) => !sent.includes(m)),
    ...ids.filter((id) => answer.includes(id) && !sent.includes(id)),
  ];
}

/**
 * routeList: every route once, reads first, so that A's own writes (which may create A's own
 * `b_model`) come after the reads that compare B's real names with fake ones.
 */
function routeList() {
  const seen = new Set<string>();
  const all = s.app.vigilRoutes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .map((r) => `${r.method} ${r.url}`)
    .filter((k) => !seen.has(k) && seen.add(k));
  return [...all.filter((k) => k.startsWith('GET ')), ...all.filter((k) => !k.startsWith('GET '))];
}

beforeAll(async () => {
  store = await openTestStore();
  s = await authedServer(store, { allowOutbound: ['127.0.0.1:9'] });
  for (const p of [A, B])
    for (const role of ['viewer', 'editor', 'admin'] as const)
      keys[`${p}:${role}`] = await s.key(p, role, `${p === A ? 'a' : 'b'}-secret-key-name-${role}`);
  seeded[A] = await seed(A, 'a');
  seeded[B] = await seed(B, 'b');
  // last_used rows are written asynchronously: wait until B's are all there before its snapshot.
  for (let tries = 0; ; tries++) {
    const rows = await store.query(
      sql`SELECT DISTINCT id FROM ${store.table('auth_key_usage')} WHERE id IN (${joinSql(keyIdsOf(B).map(str), ', ')})`,
    );
    if (rows.length === 3) break;
    if (tries > 200) throw new Error("B's last_used rows never appeared");
    await new Promise((r) => setTimeout(r, 50));
  }
}, 120_000);

afterAll(async () => {
  await s?.server.close();
  if (store) await dropTestStore(store);
  cleanupTestDataDir();
});

describe('isolation between projects', () => {
  it('every route has a case', () => {
    const missing = routeList().filter((k) => !(k in CASES));
    expect(missing, 'routes without an isolation case: add them to CASES').toEqual([]);
  });

  it("A's admin key reaches none of B's data through any route or parameter, and changes none of it", async () => {
    const before = await snapshotB();
    expect(before['records']?.length).toBe(24);
    expect(before['labs_feedback']?.length).toBe(1);
    const adminA = keys[`${A}:admin`]!.key;
    const problems: string[] = [];
    let sent = 0;
    // Each route is sent only the query parameters it takes (unknown ones are a 400 before the
    // route runs, which would test nothing): the API's own description says which.
    const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
    };
    const takes = (method: string, pattern: string) =>
      new Set(
        (doc.paths[pattern.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[method.toLowerCase()]?.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name),
      );
    for (const route of routeList()) {
      const c = CASES[route];
      if (!c) continue;
      const [method, pattern] = route.split(' ') as [string, string];
      const { real, fake, hostile } = candidates(pattern);
      const statusOf: Record<string, number> = {};
      const known = takes(method, pattern);
      for (const v of [real, fake, ...hostile]) {
        const asked = c.query?.(v) ?? (method === 'GET' ? { model: v } : {});
        const query = pattern.startsWith('/v1/')
          ? Object.fromEntries(Object.entries(asked).filter(([k]) => known.has(k)))
          : asked;
        const url = urlFor(pattern, v, query);
        const body = c.body?.(v) ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
        const headers: Record<string, string> = c.contentType ? { 'content-type': c.contentType } : {};
        const r = await call(adminA, method, url, body, headers);
        sent++;
        statusOf[v] = r.status;
        const what = `${method} ${url}`;
        if (r.status >= 500) problems.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
        if (r.text.includes('"unknown_parameter"')) problems.push(`${what}: ${r.text.slice(0, 200)}`);
        const leaked = leaks(
          r.text,
          `${url} ${typeof body === 'string' ? body : JSON.stringify(body ?? '')}`,
        );
        if (leaked.length > 0) problems.push(`${what}: shows B's ${leaked.slice(0, 3).join(', ')}`);
      }
      // B's real names and ids must answer exactly as names and ids that exist nowhere.
      if (statusOf[real] !== statusOf[fake] && real !== fake)
        problems.push(`${route}: B's ${real} answers ${statusOf[real]}, a fake one ${statusOf[fake]}`);
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    const after = await snapshotB();
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect(after[table], `table ${table}`).toEqual(before[table]);
  });

  it('X-Vigil-Project: B with A’s keys is refused on every route that needs a key', async () => {
    const bad: string[] = [];
    for (const route of routeList()) {
      const [method, pattern] = route.split(' ') as [string, string];
      if (!pattern.startsWith('/v1') || pattern === '/v1/labs/widget.js' || pattern === '/v1/session')
        continue;
      for (const role of ['viewer', 'admin']) {
        const r = await call(
          keys[`${A}:${role}`]!.key,
          method,
          urlFor(pattern, 'b_model'),
          method === 'GET' || method === 'DELETE' ? undefined : {},
          {
            'x-vigil-project': B,
          },
        );
        if (r.status !== 403) bad.push(`${role} ${route}: ${r.status}`);
        if (leaks(r.text, '').length > 0) bad.push(`${role} ${route}: leaks`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("B's own keys still see B's data (the suite's markers are real)", async () => {
    const viewerB = keys[`${B}:viewer`]!.key;
    const models = await call(viewerB, 'GET', '/v1/models');
    expect(models.text).toContain('b_model');
    const rejected = await call(viewerB, 'GET', '/v1/rejected');
    expect(rejected.text).toContain('b-secret-rejected');
    const exp = await call(viewerB, 'GET', `/v1/labs/experiments/${seeded[B]!.experiment}`);
    expect(exp.text).toContain('b-secret-experiment');
    const seg = await call(
      viewerB,
      'GET',
      urlFor('/v1/models/:model/segments', 'b_model', {
        by: 'b_secret_tag',
        baseline: 'window',
        from: new Date(T0).toISOString(),
        to: new Date(T0 + 30 * 86_400_000).toISOString(),
        baseline_from: new Date(T0 - 86_400_000).toISOString(),
        baseline_to: new Date(T0).toISOString(),
      }),
    );
    expect(seg.status).toBe(200);
    // And A's admin sees its own, not B's, under the shared model name.
    const shared = await call(keys[`${A}:admin`]!.key, 'GET', '/v1/models/shared_model');
    expect(shared.status).toBe(200);
    expect(shared.text).toContain('a_secret');
    expect(leaks(shared.text, '')).toEqual([]);
  });
});
