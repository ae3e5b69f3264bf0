import '../test-support/fast-check-seed.js';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentBody } from '../labs/test-support/labs-app.js';
import { ident, type Sql, type Store, sql, str } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { buildServer, type VigilServer } from './app.js';
import { fraudRecord, ndjson } from './test-support.js';

// Done-when 3 of issue 9: hostile requests at every route of the built app (read from its
// OpenAPI document, so routes added later are covered without touching this file). Each answer
// must be below 500 and, when an error, in API.md's shape; the app must keep answering; and
// project B, which no request of the suite names, must be byte-for-byte unchanged.

const CASES_PER_ROUTE = 120;
const B = 'fuzzvictim';
const B_HEADERS = { 'x-vigil-project': B };

let store: Store;
let server: VigilServer;
let app: FastifyInstance;
let routes: Array<{ method: string; path: string; queryKeys: string[]; bodyKeys: string[] }> = [];
let experimentB = '';
let tried = 0;

/** snapshotB reads every row of project B in every table, in a stable order. */
async function snapshotB(): Promise<Record<string, string[]>> {
  const tables = await store.query<{ table: string }>(
    sql`SELECT DISTINCT table FROM system.columns WHERE database = ${str(store.database)} AND name = 'project'`,
  );
  const out: Record<string, string[]> = {};
  for (const { table } of tables) {
    const rows = await store.query(
      sql`SELECT * FROM ${ident(store.database)}.${ident(table) as Sql} WHERE project = ${str(B)}`,
    );
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

let before: Record<string, string[]> = {};

beforeAll(async () => {
  store = await openTestStore();
  server = await buildServer({ store });
  app = server.app;
  // Project B: records, actuals, a model config, a stored series, a Labs experiment.
  const inject = (method: 'POST' | 'PUT', url: string, payload: unknown, type = 'application/json') =>
    app.inject({
      method,
      url,
      headers: { ...B_HEADERS, 'content-type': type },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const seeded = [
    await inject(
      'POST',
      '/v1/records',
      ndjson(Array.from({ length: 50 }, (_, i) => fraudRecord(i))),
      'application/x-ndjson',
    ),
    await inject(
      'POST',
      '/v1/records',
      `${JSON.stringify(fraudRecord(99))}\n{"model": "fraud", "features": 3}\n`,
      'application/x-ndjson',
    ),
    await inject('POST', '/v1/actuals', { model: 'fraud', id: 'txn-1', actual: { label: 'fraud' } }),
    await inject('PUT', '/v1/models/fraud', { task: 'binary', positive_label: 'fraud' }),
    await inject('POST', '/v1/series/revenue/points', {
      points: Array.from({ length: 30 }, (_, i) => ({ timestamp: Date.UTC(2026, 0, 1 + i), value: i })),
    }),
    await inject('POST', '/v1/labs/experiments', experimentBody('ok')),
  ];
  for (const r of seeded) expect(r.statusCode, r.body).toBeLessThan(300);
  experimentB = (seeded[5]?.json() as { id: string } | undefined)?.id ?? '';
  // Project A (the default project) has data too, so valid-looking reads reach the store.
  await app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson(Array.from({ length: 50 }, (_, i) => fraudRecord(i))),
  });

  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ in: string; name: string }>;
          requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
        }
      >
    >;
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const props = Object.values(op.requestBody?.content ?? {})[0]?.schema?.properties ?? {};
      routes.push({
        method: method.toUpperCase(),
        path,
        queryKeys: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodyKeys: Object.keys(props),
      });
    }
  }
  routes = routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
  before = await snapshotB();
}, 60_000);

afterAll(async () => {
  // biome-ignore lint/suspicious/noConsole: the number of cases is part of the suite's report
  console.log(`fuzz: ${tried} hostile requests over ${routes.length} routes`);
  await server?.close();
  if (store) await dropTestStore(store);
  cleanupTestDataDir();
});

// ------------------------------------------------------------------ hostile values

const SQLISH = [
  "' OR 1=1 --",
  "'; DROP TABLE records; --",
  "\\' OR ''='",
  `${B}' OR project = '${B}`,
  "x' UNION ALL SELECT * FROM system.tables --",
  '`records`',
  'records FINAL',
  '1) OR (1=1',
  '0x7FFFFFFF',
  '; SELECT sleep(3)',
];
const PATHISH = ['../../etc/passwd', '..%2F..%2F', '%2e%2e/', '/', '//', '\\..\\', '%00', 'a/../b', '~root'];
const WEIRD = [
  '',
  ' ',
  '\u0000',
  '\n\r\t',
  '\ud800',
  '\udfff\ud800',
  '😀',
  '\u202e',
  '<script>alert(1)</script>',
  '$' + '{7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9'.repeat(400),
  'a'.repeat(10_000),
  B,
  'default',
];

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SQLISH, ...PATHISH, ...WEIRD) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const hugeNumber = fc.constantFrom(
  1e308,
  -1e308,
  2 ** 53 + 1,
  -(2 ** 63),
  2 ** 64,
  5e-324,
  -0,
  1.2345678901234568e29,
);
/** Raw JSON value texts, including the ones JSON.stringify cannot produce. */
const jsonValueText: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString.map((s) => JSON.stringify(s)),
    hugeNumber.map((n) => JSON.stringify(n)),
    fc.constantFrom('NaN', 'Infinity', '-Infinity', 'null', 'true', 'false', '1e999', '-1e999', '0'),
    fc.integer().map(String),
    fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')), tie('v')), {
        maxLength: 4,
      })
      .map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).v;

/** An object body with the route's own keys (and others) holding hostile values. */
function objectBody(keys: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 3, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('model') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'project') },
    { weight: 1, arbitrary: hostileString },
  );
  return fc
    .array(fc.tuple(key, jsonValueText), { maxLength: 6 })
    .map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
}

const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const bigString = `{"model":"${'m'.repeat(10 * 1024 * 1024)}","name":"x"}`;
const invalidUtf8 = Buffer.concat([
  Buffer.from('{"model":"'),
  Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
  Buffer.from('"}'),
]);
// 64 MB of zeros in ~64 KB: more than the default body limit once inflated.
const gzipBomb = gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20));

type Payload = { body?: string | Buffer; type?: string; encoding?: string };

function payloadFor(route: { bodyKeys: string[]; path: string }): fc.Arbitrary<Payload> {
  const template: Record<string, string[]> = {
    '/v1/records': [
      'model',
      'id',
      'features',
      'prediction',
      'actual',
      'timestamp',
      'tags',
      'version',
      'environment',
    ],
    '/v1/actuals': ['model', 'id', 'actual', 'timestamp'],
  };
  const keys = [
    ...new Set([
      ...route.bodyKeys,
      ...(template[route.path] ?? []),
      'name',
      'state',
      'user',
      'points',
      'series',
    ]),
  ];
  const types = fc.constantFrom(
    'application/json',
    'application/json',
    'application/x-ndjson',
    'text/plain',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ body: objectBody(keys), type: types }) },
    { weight: 2, arbitrary: fc.record({ body: jsonValueText, type: types }) },
    {
      weight: 1,
      arbitrary: fc.array(objectBody(keys), { minLength: 1, maxLength: 5 }).map((lines) => ({
        body: lines.join('\n'),
        type: 'application/x-ndjson',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Payload>(
        {},
        { body: '', type: 'application/json' },
        { body: 'null', type: 'application/json' },
      ),
    },
  );
}

function pathFor(template: string): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const value = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom('fraud', 'revenue', experimentB, 'x') },
    { weight: 3, arbitrary: hostileString },
  );
  return fc.array(value, { minLength: names.length, maxLength: names.length }).map((vals) => {
    let p = template;
    names.forEach((n, i) => {
      const v = vals[i] ?? '';
      // Mostly encoded (what a client sends); sometimes raw, so the router sees the tricks too.
      const raw = /^[\x21-\x7e]*$/.test(v) && v.length % 3 === 0 && !v.includes('?') && !v.includes('#');
      p = p.replace(`{${n}}`, raw ? v : encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?')) || '%20');
    });
    return p;
  });
}

function queryFor(keys: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 3, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('from') },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'project', 'limit', 'from', 'to') },
  );
  const value = fc.oneof(
    hostileString,
    hugeNumber.map(String),
    fc.constantFrom('2026-11-01T00:00:00Z', '1', '0', '-1', 'true'),
  );
  return fc
    .array(fc.tuple(key, value), { maxLength: 5 })
    .map((es) =>
      es
        .map(
          ([k, v]) =>
            `${encodeURIComponent(k)}=${v.length % 5 === 4 ? v.replace(/[#&\s]/g, '') : encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`,
        )
        .join('&'),
    );
}

const projectHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
  {
    weight: 1,
    arbitrary: hostileString.filter((s) => s !== B && /^[\x20-\x7e]*$/.test(s)) as fc.Arbitrary<
      string | undefined
    >,
  },
);

// ------------------------------------------------------------------ checks

function checkAnswer(
  what: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
): void {
  tried++;
  expect(res.statusCode, `${what} -> ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(res.body);
  } catch {
    throw new Error(`${what} -> ${res.statusCode} with a body that is not JSON: ${res.body.slice(0, 200)}`);
  }
  const { code, message } = body.error ?? {};
  const shaped =
    typeof code === 'string' &&
    /^[a-z][a-z0-9_]*$/.test(code) &&
    typeof message === 'string' &&
    message.length > 0;
  expect(shaped, `${what} -> ${res.statusCode}: not the error shape: ${res.body.slice(0, 300)}`).toBe(true);
}

async function stillAnswers(): Promise<void> {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  expect(res.statusCode).toBe(200);
}

describe('hostile requests at every route', () => {
  it('covers the routes of the built app, including ingest, models, drift and Labs', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of [
      'POST /v1/records',
      'GET /v1/models/{model}/drift',
      'PUT /v1/models/{model}',
      'POST /v1/labs/experiments/{id}/state',
    ])
      expect(names).toContain(expected);
  });

  it('answers every generated request below 500, in the error shape, and keeps answering', async () => {
    for (const route of routes) {
      const arb = fc.record({
        path: pathFor(route.path),
        query: queryFor(route.queryKeys),
        payload:
          route.method === 'GET' || route.method === 'DELETE' ? fc.constant<Payload>({}) : payloadFor(route),
        project: projectHeader,
        idem: fc.option(
          hostileString.filter((s) => /^[\x20-\x7e]*$/.test(s)),
          { nil: undefined },
        ),
      });
      await fc.assert(
        fc.asyncProperty(arb, async (c) => {
          const url = c.query ? `${c.path}?${c.query}` : c.path;
          const headers: Record<string, string> = {};
          if (c.payload.type) headers['content-type'] = c.payload.type;
          if (c.project !== undefined) headers['x-vigil-project'] = c.project;
          if (c.idem !== undefined) headers['idempotency-key'] = c.idem;
          const res = await app.inject({
            method: route.method as 'GET',
            url,
            headers,
            ...(c.payload.body === undefined ? {} : { payload: c.payload.body }),
          });
          checkAnswer(`${route.method} ${url.slice(0, 200)} ${String(c.payload.body).slice(0, 200)}`, res);
        }),
        { numRuns: CASES_PER_ROUTE, endOnFailure: true },
      );
      await stillAnswers();
    }
  }, 120_000);

  it('refuses the big, deep, malformed and compressed bodies at every route that takes one', async () => {
    const specials: Array<[string, Payload]> = [
      ['deep array', { body: deepArray, type: 'application/json' }],
      ['deep object', { body: deepObject, type: 'application/json' }],
      ['deep ndjson', { body: deepObject, type: 'application/x-ndjson' }],
      ['deep text', { body: deepObject, type: 'text/plain' }],
      ['10 MB string', { body: bigString, type: 'application/json' }],
      ['invalid UTF-8', { body: invalidUtf8, type: 'application/json' }],
      ['invalid UTF-8 ndjson', { body: invalidUtf8, type: 'application/x-ndjson' }],
      [
        'lone surrogates',
        {
          body: '[{"model":"fraud","features":{"\\ud800":"\\udfff"},"prediction":{"score":0.5}},{"model":"\\ud800"}]',
          type: 'application/json',
        },
      ],
      ['NaN', { body: '{"model": NaN, "value": Infinity}', type: 'application/json' }],
      ['empty', { body: '', type: 'application/json' }],
      ['no content type', { body: '{"model":"x"}' }],
      [
        'proto',
        {
          body: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
          type: 'application/json',
        },
      ],
      ['gzip bomb', { body: gzipBomb, type: 'application/x-ndjson', encoding: 'gzip' }],
      ['not gzip', { body: 'plain', type: 'application/x-ndjson', encoding: 'gzip' }],
      ['brotli', { body: 'x', type: 'application/json', encoding: 'br' }],
    ];
    for (const route of routes.filter((r) => r.method === 'POST' || r.method === 'PUT')) {
      const url = route.path.replace(/\{id\}/g, 'nope').replace(/\{\w+\}/g, 'fraud');
      for (const [name, p] of specials) {
        const headers: Record<string, string> = {};
        if (p.type) headers['content-type'] = p.type;
        if (p.encoding) headers['content-encoding'] = p.encoding;
        const res = await app.inject({ method: route.method as 'POST', url, headers, payload: p.body });
        checkAnswer(`${route.method} ${url} (${name})`, res);
      }
      await stillAnswers();
    }
    // Malformed URLs: bad percent-encoding in the path and the query, NUL, overlong paths.
    for (const route of routes) {
      for (const bad of ['%E0%A4%A', '%ZZ', '%00', '%C0%AF..%C0%AF', 'a'.repeat(5000)]) {
        const url = `${route.path.replace(/\{\w+\}/g, bad)}?from=${bad}&${bad}=1`;
        const res = await app.inject({ method: route.method as 'GET', url });
        checkAnswer(`${route.method} ${url.slice(0, 120)}`, res);
      }
    }
    await stillAnswers();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  }, 120_000);

  it('refuses too many records per request (413) and oversized actual relevance maps (400)', async () => {
    const many = await app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: '{}\n'.repeat(100_001),
    });
    checkAnswer('POST /v1/records (100,001 rows)', many);
    expect(many.statusCode).toBe(413);
    expect(many.json()).toMatchObject({ error: { code: 'too_many_records' } });
    const relevance = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`item${i}`, 1]));
    const actual = await app.inject({
      method: 'POST',
      url: '/v1/actuals',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ model: 'fraud', id: 'txn-1', actual: { relevance } }),
    });
    checkAnswer('POST /v1/actuals (1,001 relevance items)', actual);
    expect(actual.json()).toMatchObject({ errors: [{ field: 'actual.relevance' }] });
  });

  it("leaves project B's rows exactly as they were", async () => {
    expect(await snapshotB()).toEqual(before);
    expect(Object.values(before).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(80);
  }, 60_000);
});
