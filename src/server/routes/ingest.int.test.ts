import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, str } from '../../store/index.js';
import type { Store } from '../../store/store.js';
import {
  cleanupTestDataDir,
  dropTestStore,
  openTestStore,
  testEngine,
} from '../../store/test-support/test-store.js';
import { buildServer, type VigilServer } from '../app.js';
import { fraudRecord, modelCounts, postNdjson } from '../test-support.js';

describe(`ingest API on ${testEngine}`, () => {
  let store: Store;
  let server: VigilServer;
  beforeEach(async () => {
    store = await openTestStore();
    server = await buildServer({ store });
  });
  afterEach(async () => {
    await server.close();
    await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());

  it('accepts 100,000 records in batches of 5,000, counts them exactly, and still after a restart', async () => {
    for (let b = 0; b < 20; b++) {
      const rows = Array.from({ length: 5000 }, (_, i) => fraudRecord(b * 5000 + i));
      const res = await postNdjson(server.app, '/v1/records', rows);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 5000, rejected: 0, errors: [] });
    }
    expect((await modelCounts(server.app)).counts).toEqual({ fraud: { production: 100_000 } });
    // Restart: a new server on a store reopened on the same database.
    await server.close();
    const database = store.database;
    await store.close();
    store = await openTestStore(database);
    server = await buildServer({ store });
    const after = await modelCounts(server.app);
    expect(after.counts).toEqual({ fraud: { production: 100_000 } });
    expect(after.models[0]?.task).toBe('binary');
  });

  it('accepts 997 of 1,000 and reports the 3 invalid rows with index, field and reason', async () => {
    const rows: unknown[] = Array.from({ length: 1000 }, (_, i) => fraudRecord(i));
    rows[10] = { ...fraudRecord(10), model: undefined };
    rows[500] = fraudRecord(500, { timestamp: 'not a time' });
    rows[999] = fraudRecord(999, { prediction: { label: 'fraud', score: 1.7 } });
    const res = await postNdjson(server.app, '/v1/records', rows);
    expect(res.status).toBe(200);
    expect(res.body['accepted']).toBe(997);
    expect(res.body['rejected']).toBe(3);
    expect(res.body['errors']).toEqual([
      { index: 10, field: 'model', message: 'is required' },
      { index: 500, field: 'timestamp', message: expect.stringMatching(/not an RFC 3339 time/) },
      { index: 999, field: 'prediction.score', message: 'must be a probability in [0, 1], got 1.7' },
    ]);
    const rejected = await server.app.inject({ method: 'GET', url: '/v1/rejected' });
    const body = rejected.json() as {
      total: number;
      rejected: Array<{ index: number; field: string; raw: string }>;
    };
    expect(body.total).toBe(3);
    expect(body.rejected.map((r) => [r.index, r.field]).sort()).toEqual([
      [10, 'model'],
      [500, 'timestamp'],
      [999, 'prediction.score'],
    ]);
    expect(body.rejected.find((r) => r.index === 500)?.raw).toContain('not a time');
    expect((await modelCounts(server.app)).counts).toEqual({ fraud: { production: 997 } });
  });

  it('counts a batch once when re-sent with the same Idempotency-Key, or re-sent without one', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => fraudRecord(i));
    const noIds = rows.map(({ id: _id, ...r }) => r);
    const first = await postNdjson(server.app, '/v1/records', noIds, { 'idempotency-key': 'batch-1' });
    const again = await postNdjson(server.app, '/v1/records', noIds, { 'idempotency-key': 'batch-1' });
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body });
    await postNdjson(server.app, '/v1/records', rows);
    await postNdjson(server.app, '/v1/records', rows);
    expect((await modelCounts(server.app)).counts).toEqual({ fraud: { production: 600 } });
  });

  it('derives ids from the Idempotency-Key so a retry of records without ids cannot double count', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => {
      const { id: _id, ...r } = fraudRecord(i);
      return r;
    });
    await postNdjson(server.app, '/v1/records', rows, { 'idempotency-key': 'k-1' });
    // Simulate a crash after commit but before the key was stored: drop the stored answer.
    await store.exec(sql`TRUNCATE TABLE ${store.table('idempotency')}`);
    await postNdjson(server.app, '/v1/records', rows, { 'idempotency-key': 'k-1' });
    expect((await modelCounts(server.app)).counts).toEqual({ fraud: { production: 50 } });
  });

  it('keeps projects apart', async () => {
    await postNdjson(server.app, '/v1/records', [fraudRecord(1)], { 'x-vigil-project': 'team-a' });
    await postNdjson(server.app, '/v1/records', [fraudRecord(1), fraudRecord(2)], {
      'x-vigil-project': 'team-b',
    });
    expect((await modelCounts(server.app, 'team-a')).counts).toEqual({ fraud: { production: 1 } });
    expect((await modelCounts(server.app, 'team-b')).counts).toEqual({ fraud: { production: 2 } });
    expect((await modelCounts(server.app)).counts).toEqual({});
    const bad = await server.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { 'x-vigil-project': "a'b" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'invalid_name' } });
  });

  it('takes JSON bodies (one record or an array) and refuses a body that is not JSON with a 400', async () => {
    const one = await server.app.inject({ method: 'POST', url: '/v1/records', payload: fraudRecord(1) });
    expect(one.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    const many = await server.app.inject({
      method: 'POST',
      url: '/v1/records',
      payload: [fraudRecord(2), fraudRecord(3)],
    });
    expect(many.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    const broken = await server.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { 'content-type': 'application/json' },
      payload: '{"model": "fraud",',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'invalid_json' } });
    expect(JSON.stringify(broken.json())).not.toMatch(/at .*\.js/);
  });

  it('answers 400 with the errors when no row is valid, and for an empty body', async () => {
    const res = await postNdjson(server.app, '/v1/records', [{ model: 'x y' }, 'just a string', 42]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ accepted: 0, rejected: 3, error: { code: 'no_valid_rows' } });
    expect(res.body['errors']).toEqual([
      { index: 0, field: 'model', message: expect.stringMatching(/must match/) },
      { index: 1, field: '', message: expect.stringMatching(/must be a JSON object/) },
      { index: 2, field: '', message: expect.stringMatching(/must be a JSON object/) },
    ]);
    const empty = await postNdjson(server.app, '/v1/records', '\n\n');
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { code: 'empty_body' } });
  });

  it('handles nasty values: a broken line, wrong types, unicode and SQL-looking strings', async () => {
    const sqlish = "x'); DROP TABLE records; --";
    const body = [
      JSON.stringify(fraudRecord(1, { features: { city: 'Zürich 東京 🚀', q: sqlish } })),
      '{"model": "fraud", "id": ',
      JSON.stringify(fraudRecord(3, { features: { amount: 'NaN', nested: { a: 1 } } })),
      JSON.stringify(fraudRecord(4, { latency_ms: '12' })),
      JSON.stringify(fraudRecord(5, { environment: 'staging' })),
      JSON.stringify(fraudRecord(6, { tags: { region: ['EU'] } })),
      JSON.stringify(fraudRecord(7, { modle: 'typo' })),
      JSON.stringify(fraudRecord(8, { timestamp: 1764403200 })),
      JSON.stringify({ ...fraudRecord(9), model: sqlish }),
    ].join('\n');
    const res = await postNdjson(server.app, '/v1/records', body);
    expect(res.status).toBe(200);
    expect(res.body['accepted']).toBe(1);
    const errors = res.body['errors'] as Array<{ index: number; field: string; message: string }>;
    expect(errors.map((e) => [e.index, e.field])).toEqual([
      [1, ''],
      [2, 'features.nested'],
      [3, 'latency_ms'],
      [4, 'environment'],
      [5, 'tags.region'],
      [6, 'modle'],
      [7, 'timestamp'],
      [8, 'model'],
    ]);
    expect(errors[6]?.message).toMatch(/epoch seconds/);
    const rows = await store.query<{ v: string }>(
      sql`SELECT cat_values[indexOf(cat_keys, 'city')] AS v FROM ${store.table('records')} FINAL
       WHERE has(cat_values, ${str(sqlish)})`,
    );
    expect(rows).toEqual([{ v: 'Zürich 東京 🚀' }]);
  });

  it('refuses a body over the limit with 413 and keeps nothing of it', async () => {
    const small = await buildServer({ store, limits: { bodyLimitBytes: 10_000 } });
    try {
      const rows = Array.from({ length: 200 }, (_, i) => fraudRecord(i));
      const res = await postNdjson(small.app, '/v1/records', rows);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
      expect((await modelCounts(small.app)).counts).toEqual({});
    } finally {
      await small.close();
    }
  });

  it('answers 503 with Retry-After when the write queue is full, and loses nothing it accepted', async () => {
    const tiny = await buildServer({ store, limits: { maxQueuedRows: 100 } });
    try {
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 60 }, (_, i) => fraudRecord(b * 60 + i)),
      );
      const results = await Promise.all(batches.map((rows) => postNdjson(tiny.app, '/v1/records', rows)));
      const ok = results.filter((r) => r.status === 200);
      const full = results.filter((r) => r.status === 503);
      expect(full.length).toBeGreaterThan(0);
      expect(full[0]?.headers['retry-after']).toBe('1');
      expect(full[0]?.body).toMatchObject({ error: { code: 'queue_full' } });
      expect((await modelCounts(tiny.app)).counts).toEqual({ fraud: { production: ok.length * 60 } });
    } finally {
      await tiny.close();
    }
  });

  it('group-commits concurrent requests into fewer inserts', async () => {
    const requests = Array.from({ length: 24 }, (_, b) =>
      postNdjson(
        server.app,
        '/v1/records',
        Array.from({ length: 50 }, (_, i) => fraudRecord(b * 50 + i)),
      ),
    );
    const results = await Promise.all(requests);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const metrics = (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const inserts = Number(/vigil_insert_duration_seconds_count\{table="records"\} (\d+)/.exec(metrics)?.[1]);
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(24);
    expect(metrics).toMatch(/vigil_records_ingested_total\{kind="records"\} 1200/);
    expect(metrics).toMatch(/vigil_write_queue_rows 0/);
  });

  it('joins actuals sent before or days after their predictions by id', async () => {
    const early = await postNdjson(server.app, '/v1/actuals', [
      { model: 'fraud', id: 'txn-1', actual: { label: 'fraud' } },
    ]);
    expect(early.body).toEqual({ accepted: 1, rejected: 0, errors: [] });
    await postNdjson(server.app, '/v1/records', [fraudRecord(1), fraudRecord(2), fraudRecord(3)]);
    const late = await postNdjson(server.app, '/v1/actuals', [
      { model: 'fraud', id: 'txn-2', actual: { label: 'legit' }, timestamp: '2026-11-04T00:00:00Z' },
      { model: 'fraud', actual: { label: 'legit' } },
      { model: 'fraud', id: 'txn-3', actual: {} },
    ]);
    expect(late.body).toMatchObject({
      accepted: 1,
      rejected: 2,
      errors: [
        { index: 1, field: 'id', message: expect.stringMatching(/is required/) },
        { index: 2, field: 'actual', message: expect.stringMatching(/needs one of/) },
      ],
    });
    const joined = await store.query<{ id: string; label: string }>(
      sql`SELECT r.id AS id, a.act_label AS label
       FROM (SELECT project, model, id FROM ${store.table('records')} FINAL) AS r
       ANY INNER JOIN (SELECT project, model, id, act_label FROM ${store.table('actuals')} FINAL) AS a
       USING (project, model, id) ORDER BY id`,
    );
    expect(joined).toEqual([
      { id: 'txn-1', label: 'fraud' },
      { id: 'txn-2', label: 'legit' },
    ]);
  });

  it('serves health, metrics, OpenAPI and API-shaped errors', async () => {
    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    const openapi = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/records', '/v1/actuals', '/v1/models']),
    );
    const missing = await server.app.inject({ method: 'GET', url: '/v1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /v1/nope' } });
    const put = await server.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { task: 'tree' },
    });
    expect(put.statusCode).toBe(400);
    expect(put.json()).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringMatching(/^task/) },
    });
    const declared = await server.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { task: 'binary', positive_label: 'fraud' },
    });
    expect(declared.statusCode).toBe(200);
    expect((await modelCounts(server.app)).models).toEqual([
      expect.objectContaining({ model: 'fraud', task: 'binary' }),
    ]);
    // One model's page reads only that model, declared or with records.
    await server.app.inject({ method: 'PUT', url: '/v1/models/demand', payload: { task: 'regression' } });
    const one = await server.app.inject({ method: 'GET', url: '/v1/models/fraud' });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ model: 'fraud', task: 'binary', environments: {} });
    const other = await server.app.inject({ method: 'GET', url: '/v1/models/demand' });
    expect(other.json()).toMatchObject({ model: 'demand', task: 'regression' });
    expect((await server.app.inject({ method: 'GET', url: '/v1/models/ghost' })).statusCode).toBe(404);
  });
});
