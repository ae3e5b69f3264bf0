import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../store/index.js';
import { cleanupTestDataDir } from '../store/test-support/test-store.js';
import { experimentBody, type LabsTestApp, labsTestApp, startExperiment } from './test-support/labs-app.js';

let t: LabsTestApp;
beforeAll(async () => {
  t = await labsTestApp();
});
afterAll(async () => {
  await t?.close();
  cleanupTestDataDir();
});

const E = '/v1/labs/experiments';

describe('experiments', () => {
  it('creates a draft with defaults, lists it, and keeps the allow-list only as hashes', async () => {
    const res = await t.json('POST', E, {
      ...experimentBody('ok'),
      allocation: { allow: ['alice@example.com', 'bob@example.com'] },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'draft',
      name: 'test ok',
      allocation: { percent: 0, allow_users: 2 },
      limits: { timeout_ms: 1000, concurrency: 2, budget_usd: null, circuit_failures: 5 },
      capture_payloads: false,
    });
    expect(String(res.body['id'])).toMatch(/^test-ok-[0-9a-f]{6}$/);
    const list = await t.json('GET', E);
    expect((list.body['experiments'] as Array<{ id: string }>).map((e) => e.id)).toContain(res.body['id']);
    const entities = JSON.stringify(await t.store.query(sql`SELECT body FROM ${t.store.table('entities')}`));
    expect(entities).not.toContain('alice@example.com');
  });

  it('names the wrong field of a bad body', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...experimentBody('ok'), name: '' }, 'name'],
      [{ ...experimentBody('ok'), source: { type: 'module', path: 'relative/path' } }, 'source.path'],
      [{ ...experimentBody('ok'), source: { type: 'module', path: '/nonexistent/folder' } }, 'source.path'],
      [{ ...experimentBody('ok'), source: { type: 'http', url: 'ftp://x' } }, 'source.url'],
      [{ ...experimentBody('ok'), limits: { timeout_ms: 0 } }, 'limits.timeout_ms'],
      [{ ...experimentBody('ok'), limits: { nonsense: 1 } }, 'limits.nonsense'],
      [{ ...experimentBody('ok'), prices: { cpu_hour_usd: -1 } }, 'prices.cpu_hour_usd'],
      [{ ...experimentBody('ok'), allocation: { percent: 101 } }, 'allocation.percent'],
      [{ ...experimentBody('ok'), output_schema: { type: 'tensor' } }, 'output_schema.type'],
      [{ ...experimentBody('ok'), fallback: 3 }, 'fallback'],
      [{ ...experimentBody('ok'), surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await t.json('POST', E, body);
      expect(res.status, field).toBe(400);
      expect((res.body['error'] as { message: string }).message.startsWith(`${field}:`), field).toBe(true);
    }
  });

  it('refuses a prototype folder with a symlink leading outside it', async () => {
    const { mkdtempSync, symlinkSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-labs-link-'));
    try {
      writeFileSync(join(dir, 'index.mjs'), 'export function score() { return 1 }\n');
      symlinkSync('/etc/passwd', join(dir, 'passwd'));
      const id = await startExperiment(t, { ...experimentBody('ok'), source: { type: 'module', path: dir } });
      const res = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} });
      expect(res.body).toMatchObject({ outcome: 'error', reason: 'load_failed' });
      expect(String(res.body['message'])).toContain('links outside the folder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows the state machine: draft → live → paused → live → killed, and killed is final', async () => {
    const id = String((await t.json('POST', E, experimentBody('ok'))).body['id']);
    const set = (state: string) => t.json('POST', `${E}/${id}/state`, { state });
    expect((await set('paused')).status).toBe(409);
    expect((await set('live')).body['state']).toBe('live');
    expect((await set('live')).body['state']).toBe('live');
    expect((await set('paused')).body['state']).toBe('paused');
    expect((await set('live')).body['state']).toBe('live');
    expect((await set('killed')).body['state']).toBe('killed');
    const after = await set('live');
    expect(after.status).toBe(409);
    expect(after.body).toMatchObject({ error: { code: 'invalid_state' } });
    expect((await set('draft')).status).toBe(400);
    expect((await t.json('GET', `${E}/${id}`)).body['state']).toBe('killed');
  });

  it('keeps projects apart', async () => {
    const id = String(
      (await t.json('POST', E, experimentBody('ok'), { 'x-vigil-project': 'alpha' })).body['id'],
    );
    expect((await t.json('GET', `${E}/${id}`, undefined, { 'x-vigil-project': 'alpha' })).status).toBe(200);
    expect((await t.json('GET', `${E}/${id}`)).status).toBe(404);
    expect(
      (await t.json('POST', `${E}/${id}/state`, { state: 'live' }, { 'x-vigil-project': 'beta' })).status,
    ).toBe(404);
  });
});

describe('enrollment and predict', () => {
  it('answers 403 until the user enrolls with accepted terms, 409 when not live, and leaving is one call', async () => {
    const id = String((await t.json('POST', E, { ...experimentBody('ok'), terms: 'be kind' })).body['id']);
    expect((await t.json('POST', `${E}/${id}/predict`, { user: 'carol', input: { x: 1 } })).status).toBe(409);
    await t.json('POST', `${E}/${id}/state`, { state: 'live' });
    const denied = await t.json('POST', `${E}/${id}/predict`, { user: 'carol', input: { x: 1 } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'not_enrolled' } });
    const noTerms = await t.json('POST', `${E}/${id}/enroll`, { user: 'carol' });
    expect(noTerms.body).toMatchObject({ error: { code: 'terms_not_accepted' } });
    const joined = await t.json('POST', `${E}/${id}/enroll`, { user: 'carol', accept_terms: true });
    expect(joined.body).toMatchObject({ enrolled: true, allocated: true });
    const ok = await t.json('POST', `${E}/${id}/predict`, {
      user: 'carol',
      feature: 'search',
      input: { x: 2 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcome: 'ok', output: { y: 5, feature: 'search', rows: null } });
    expect(typeof ok.body['latency_ms']).toBe('number');
    const mine = await t.json('GET', `${E}?user=carol`);
    expect(
      (mine.body['experiments'] as Array<Record<string, unknown>>).find((e) => e['id'] === id),
    ).toMatchObject({
      enrolled: true,
      allocated: true,
    });
    expect((await t.json('DELETE', `${E}/${id}/enroll/carol`)).body).toMatchObject({ enrolled: false });
    expect((await t.json('POST', `${E}/${id}/predict`, { user: 'carol', input: { x: 1 } })).status).toBe(403);
    await t.json('POST', `${E}/${id}/state`, { state: 'paused' });
    expect((await t.json('POST', `${E}/${id}/predict`, { user: 'carol', input: {} })).body).toMatchObject({
      error: { code: 'not_live' },
    });
  });

  it('serves only allocated users: the allow-list, and none of the rest at 0%', async () => {
    const id = await startExperiment(
      t,
      { ...experimentBody('ok'), allocation: { percent: 0, allow: ['vip'] } },
      ['vip', 'plain'],
    );
    expect((await t.json('POST', `${E}/${id}/predict`, { user: 'vip', input: {} })).status).toBe(200);
    const plain = await t.json('POST', `${E}/${id}/predict`, { user: 'plain', input: {} });
    expect(plain.status).toBe(403);
    expect(plain.body).toMatchObject({ error: { code: 'not_allocated' } });
  });

  it('rejects by validate(), input size and input shape, and applies the fallback when the prototype fails', async () => {
    const id = await startExperiment(t, {
      ...experimentBody('ok'),
      limits: { max_input_bytes: 64, concurrency: 2, memory_mb: 64 },
      input_schema: { type: 'object', properties: { x: { type: 'number' } } },
    });
    const call = (input: unknown) => t.json('POST', `${E}/${id}/predict`, { user: 'u1', input });
    expect((await call({ bad: true })).body).toMatchObject({
      outcome: 'rejected',
      reason: 'invalid_input',
      message: 'bad input',
    });
    expect((await call({ x: 'text' })).body).toMatchObject({
      outcome: 'rejected',
      message: 'input.x: must be number',
    });
    expect((await call({ x: 1, pad: 'y'.repeat(100) })).body).toMatchObject({
      outcome: 'rejected',
      reason: 'invalid_input',
    });
    const fb = await startExperiment(t, { ...experimentBody('throws'), fallback: { output: { y: 0 } } });
    expect((await t.json('POST', `${E}/${fb}/predict`, { user: 'u1', input: {} })).body).toMatchObject({
      outcome: 'fallback',
      output: { y: 0 },
      reason: 'threw',
    });
  });

  it('checks the output against output_schema', async () => {
    const id = await startExperiment(t, {
      ...experimentBody('ok'),
      output_schema: { type: 'object', required: ['y'], properties: { y: { type: 'number', maximum: 3 } } },
    });
    const res = await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: { x: 5 } });
    expect(res.body).toMatchObject({
      outcome: 'error',
      reason: 'invalid_output',
      message: 'output.y: must be ≤ 3',
    });
  });

  it('limits each user to their rate', async () => {
    const id = await startExperiment(
      t,
      { ...experimentBody('ok'), limits: { rate_per_user_per_min: 2, memory_mb: 64 } },
      ['u1', 'u2'],
    );
    const outcomes = [];
    for (let i = 0; i < 3; i++)
      outcomes.push((await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} })).body['outcome']);
    expect(outcomes).toEqual(['ok', 'ok', 'rejected']);
    expect((await t.json('POST', `${E}/${id}/predict`, { user: 'u2', input: {} })).body['outcome']).toBe(
      'ok',
    );
  });

  it('refuses calls once the budget is spent', async () => {
    const id = await startExperiment(t, {
      ...experimentBody('ok'),
      limits: { budget_usd: 0.02, memory_mb: 64 },
      prices: { request_usd: 0.01 },
    });
    const outcomes = [];
    for (let i = 0; i < 3; i++)
      outcomes.push(
        (await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: {} })).body['reason'] ?? 'ok',
      );
    expect(outcomes).toEqual(['ok', 'ok', 'budget']);
  });
});

describe('ctx.query views', () => {
  it("reads the caller's project only, through named views, with a row limit", async () => {
    const rows = [
      {
        project: 'default',
        model: 'fraud',
        environment: 'production',
        version: 'v1',
        id: 'a',
        ts: 1,
        received: 1,
        num_keys: ['amount'],
        num_values: [10],
        cat_keys: ['country'],
        cat_values: ['DE'],
      },
      {
        project: 'default',
        model: 'fraud',
        environment: 'production',
        version: 'v1',
        id: 'b',
        ts: 2,
        received: 1,
        num_keys: ['amount'],
        num_values: [30],
        cat_keys: ['country'],
        cat_values: ['US'],
      },
      {
        project: 'other',
        model: 'fraud',
        environment: 'production',
        version: 'v1',
        id: 'secret',
        ts: 3,
        received: 1,
        num_keys: ['amount'],
        num_values: [999],
        cat_keys: [],
        cat_values: [],
      },
    ];
    await t.store.insert('records', Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`));
    const id = await startExperiment(t, {
      ...experimentBody('ok'),
      limits: { query_max_rows: 1, memory_mb: 64 },
    });
    const q = async (query: string, params: unknown) =>
      (await t.json('POST', `${E}/${id}/predict`, { user: 'u1', input: { query, params } })).body;
    expect(await q('models', {})).toMatchObject({
      outcome: 'ok',
      output: { rows: [{ model: 'fraud', environment: 'production', records: 2 }] },
    });
    const recent = await q('records', { model: 'fraud', limit: 50 });
    expect(recent).toMatchObject({
      output: { rows: [{ id: 'b', features: { amount: 30, country: 'US' } }] },
    });
    expect(await q('feature_stats', { model: 'fraud', feature: 'amount' })).toMatchObject({
      output: { rows: [{ type: 'numeric', count: 2, min: 10, max: 30 }] },
    });
    const raw = await q('SELECT * FROM vigil.records', {});
    expect(raw).toMatchObject({ outcome: 'error', reason: 'threw' });
    expect(String(raw['message'])).toContain('raw SQL is not accepted');
    const unknown = await q('records_everywhere', {});
    expect(String(unknown['message'])).toContain('no view');
    const injected = await q('records', { model: "fraud' OR project = 'other" });
    expect(String(injected['message'])).toContain('model: must match');
    expect(JSON.stringify(await q('records', { model: 'fraud', limit: 1000 }))).not.toContain('secret');
  });
});

describe('feedback and the widget', () => {
  it('validates feedback, accepts text/plain JSON from the widget, and answers CORS', async () => {
    const id = await startExperiment(t, experimentBody('ok'), ['u1']);
    expect((await t.json('POST', `${E}/${id}/feedback`, { user: 'u1', importance: 6 })).body).toMatchObject({
      error: { code: 'invalid_request', message: 'importance: must be an integer from 1 to 5' },
    });
    expect((await t.json('POST', `${E}/${id}/feedback`, { user: 'u1' })).status).toBe(400);
    expect((await t.json('POST', `${E}/${id}/feedback`, { user: 'stranger', speed: 'ok' })).status).toBe(403);
    const res = await t.app.inject({
      method: 'POST',
      url: `${E}/${id}/feedback`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({
        user: 'u1',
        speed: 'too_slow',
        importance: 5,
        useful: true,
        comment: 'nice',
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const pre = await t.app.inject({ method: 'OPTIONS', url: `${E}/${id}/feedback` });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('authorization');
    const widget = await t.app.inject({ method: 'GET', url: '/v1/labs/widget.js' });
    expect(widget.headers['content-type']).toContain('javascript');
    expect(widget.body).toContain('/v1/labs/experiments/');
    expect(() => new Function(widget.body)).not.toThrow();
  });

  it('a feedback token speaks for one user of one experiment; tampered or borrowed tokens are refused', async () => {
    const id = await startExperiment(t, experimentBody('ok'), ['u1']);
    const other = await startExperiment(t, experimentBody('ok'), ['u1']);
    const minted = await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1', ttl_s: 3600 });
    expect(minted.status).toBe(200);
    const token = String(minted.body['token']);
    expect(Date.parse(String(minted.body['expires']))).toBeGreaterThan(Date.now() + 3_500_000);
    // The user id is not in the token, only its pseudonym.
    expect(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).not.toContain('u1');
    const ok = await t.json('POST', `${E}/${id}/feedback`, { token, speed: 'fast' });
    expect(ok.status).toBe(200);
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), x: 4e12 }),
    ).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${'0'.repeat(mac?.length ?? 0)}`, 'nonsense', 42]) {
      const res = await t.json('POST', `${E}/${id}/feedback`, { token: bad, speed: 'fast' });
      expect(res.status, String(bad)).toBe(401);
    }
    expect((await t.json('POST', `${E}/${other}/feedback`, { token, speed: 'fast' })).status).toBe(401);
    expect((await t.json('POST', `${E}/${id}/feedback-token`, { user: 'u1', ttl_s: 10 })).status).toBe(400);
    expect((await t.json('POST', `${E}/nope/feedback-token`, { user: 'u1' })).status).toBe(404);
  });

  it('renders the report as json, md and html', async () => {
    const id = await startExperiment(t, experimentBody('ok'), ['u1', 'u2']);
    await t.json('POST', `${E}/${id}/predict`, { user: 'u1', feature: 'search', input: { x: 1 } });
    await t.json('POST', `${E}/${id}/feedback`, { user: 'u1', speed: 'too_slow', importance: 4 });
    await t.json('POST', `${E}/${id}/feedback`, { user: 'u2', speed: 'fast', importance: 2 });
    const json = await t.json('GET', `${E}/${id}/report?projected_calls_per_day=1000`);
    expect(Object.keys(json.body)).toEqual([
      'summary',
      'users',
      'calls',
      'outcomes',
      'features',
      'parts',
      'latency_ms',
      'feedback',
      'cost',
    ]);
    expect(json.body).toMatchObject({
      users: { enrolled: 2, active: 1, returning: 0 },
      calls: 1,
      features: { search: 1 },
      feedback: { responses: 2, too_slow_share: 0.5, importance: { mean: 3 } },
    });
    expect(String(json.body['summary'])).toMatch(
      /^50% of the users who use it find it too slow, 3\.0\/5 say it matters, it would cost \$[\d.,]+ a month at 1,000 calls a day\.$/,
    );
    const md = await t.app.inject({ method: 'GET', url: `${E}/${id}/report?format=md` });
    expect(md.headers['content-type']).toContain('text/markdown');
    expect(md.body.split('\n')[0]).toMatch(/^50% of the users/);
    const html = await t.app.inject({ method: 'GET', url: `${E}/${id}/report?format=html` });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<svg');
    expect((await t.json('GET', `${E}/nope-000000/report`)).status).toBe(404);
  });
});
