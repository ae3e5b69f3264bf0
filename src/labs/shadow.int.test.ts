import { describe, expect, it } from 'vitest';
import type { CompareResponse } from '../server/api-types.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { sql, str } from '../store/index.js';
import { testEngine } from '../store/test-support/test-store.js';
import { experimentBody } from './test-support/labs-app.js';

// Shadow mode end to end through `vigil serve`'s app: production records mirrored to a
// prototype are logged as a version of the model (in `lab`), production answers and records
// are what they are without shadow, and the compare route pairs the two on the record ids.

const batch = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const x = Math.round((((i * 37) % 41) / 10 - 2) * 100) / 100;
    return {
      model: 'fraud',
      version: 'v3',
      id: `${prefix}${i}`,
      timestamp: Date.UTC(2026, 10, 1) + i * 1000,
      features: { x, country: i % 2 ? 'DE' : 'US' },
      tags: { user: i % 3 ? 'returning' : 'new' },
      prediction: { score: 0.5 },
      actual: { label: x + (i % 5) / 10 > 0 ? '1' : '0' },
    };
  });

describe(`Labs shadow mode (${testEngine})`, () => {
  const t = useTestServer();

  async function json(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
    const res = await t.server.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  }

  const stored = (version: string, environment: string) =>
    t.store.query<{ id: string; pred_score: number; num_values: number[]; tag_values: string[] }>(
      sql`SELECT id, pred_score, num_values, tag_values FROM ${t.store.table('records')} FINAL
          WHERE model = 'fraud' AND version = ${str(version)} AND environment = ${str(environment)} ORDER BY id`,
    );

  it('logs mirrored calls as a version, leaves production answers and records unchanged, and compares by id', async () => {
    expect((await json('PUT', '/v1/models/fraud', { task: 'binary', positive_label: '1' })).status).toBe(200);
    const before = await postNdjson(t.server.app, '/v1/records', batch('a', 40));
    expect(before.status).toBe(200);

    const created = await json('POST', '/v1/labs/experiments', {
      ...experimentBody('shadow'),
      shadow: { model: 'fraud', version: 'shadow-1', percent: 100 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body['shadow']).toEqual({
      model: 'fraud',
      version: 'shadow-1',
      environment: 'lab',
      percent: 100,
      queue: 1000,
    });
    const id = String(created.body['id']);
    expect((await json('POST', `/v1/labs/experiments/${id}/state`, { state: 'live' })).status).toBe(200);

    const during = await postNdjson(t.server.app, '/v1/records', batch('b', 40));
    // Production answers are the same with shadow on: the prototype's outputs are never returned.
    expect(during.status).toBe(200);
    expect(during.body).toEqual(before.body);

    // The mirrored calls are logged, in the background, as version shadow-1 in lab.
    let shadow: Awaited<ReturnType<typeof stored>> = [];
    for (let i = 0; i < 200 && shadow.length < 40; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shadow = await stored('shadow-1', 'lab');
    }
    expect(shadow.map((r) => r.id)).toEqual(
      batch('b', 40)
        .map((r) => r.id)
        .sort(),
    );
    const byId = new Map(batch('b', 40).map((r) => [r.id, r]));
    for (const r of shadow) {
      const x = byId.get(r.id)!.features.x;
      expect(r.pred_score).toBeCloseTo(1 / (1 + Math.exp(-2 * x)), 5);
      expect(r.tag_values).toEqual([byId.get(r.id)!.tags.user]);
    }
    // Production records are as sent: none replaced, none added.
    const production = await stored('v3', 'production');
    expect(production).toHaveLength(80);
    expect(production.every((r) => r.pred_score === 0.5)).toBe(true);

    // The shadow version against production, paired on the mirrored ids.
    const cmp = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/fraud/compare?baseline=v3&candidate=shadow-1&candidate_environment=lab&resamples=200',
    });
    expect(cmp.statusCode, cmp.body).toBe(200);
    const body = cmp.json() as CompareResponse;
    expect(body).toMatchObject({ paired: true, shared_ids: 40 });
    expect(body.candidate).toMatchObject({ version: 'shadow-1', environment: 'lab', labelled: 40 });

    // Paused: no more mirroring.
    expect((await json('POST', `/v1/labs/experiments/${id}/state`, { state: 'paused' })).status).toBe(200);
    await postNdjson(t.server.app, '/v1/records', batch('c', 10));
    await new Promise((r) => setTimeout(r, 500));
    expect(await stored('shadow-1', 'lab')).toHaveLength(40);
  });

  it('refuses a shadow config naming a bad field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ percent: 10 }, 'shadow.model'],
      [{ model: 'fraud', environment: 'production' }, 'shadow.environment'],
      [{ model: 'fraud', percent: 101 }, 'shadow.percent'],
      [{ model: 'fraud', queue: 0 }, 'shadow.queue'],
      [{ model: 'fraud', extra: 1 }, 'shadow.extra'],
      [3, 'shadow'],
    ];
    for (const [shadow, field] of cases) {
      const res = await json('POST', '/v1/labs/experiments', { ...experimentBody('shadow'), shadow });
      expect(res.status, field).toBe(400);
      expect((res.body['error'] as { message: string }).message.startsWith(`${field}:`), field).toBe(true);
    }
  });
});
