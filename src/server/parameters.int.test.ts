import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../monitor/alert-log.js';
import { DEFAULT_PROJECT } from '../shared/names.js';
import { testEngine } from '../store/test-support/test-store.js';
import { fraudRecord, postNdjson, useTestServer } from './test-support.js';

// Issue 13, item 4: typos are errors that name the mistake and the right spellings.

describe(`query parameters (${testEngine})`, () => {
  const t = useTestServer();
  const get = (url: string) => t.server.app.inject({ method: 'GET', url });

  it('answers an unknown query parameter with 400 naming it and the known ones', async () => {
    await postNdjson(
      t.server.app,
      '/v1/records',
      Array.from({ length: 20 }, (_, i) => fraudRecord(i)),
    );
    const res = await get('/v1/models/fraud/drift?baslin=training');
    expect(res.statusCode).toBe(400);
    const err = res.json().error as { code: string; message: string };
    expect(err.code).toBe('unknown_parameter');
    expect(err.message).toContain('"baslin"');
    expect(err.message).toContain('baseline');
    expect(err.message).toContain('granularity');
    for (const url of [
      '/v1/models/fraud/segments?by=region&limt=3',
      '/v1/models/fraud/quality?granularty=day',
      '/v1/models/fraud/performance?granularity=day&tresh=1',
      '/v1/alerts?stat=open',
      '/v1/models?projet=x',
      '/v1/models/fraud?x=1',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe('unknown_parameter');
    }
    // Known parameters, and the `_` cache-buster, still pass.
    expect((await get('/v1/models/fraud/drift?baseline=training&_=1712345')).statusCode).toBe(200);
    expect((await get('/v1/models?_=1')).statusCode).toBe(200);
  });

  it('lists the allowed values of an enum', async () => {
    await postNdjson(t.server.app, '/v1/records', [fraudRecord(1)]);
    const res = await get('/v1/models/fraud/drift?granularity=days');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('granularity: must be one of hour, day, week');
    const env = await get('/v1/models/fraud/drift?baseline=train');
    expect(env.json().error.message).toBe('baseline: must be one of training, validation, window');
  });

  it('refuses an unknown tag or feature in segments?by= naming it and the known tags', async () => {
    await postNdjson(
      t.server.app,
      '/v1/records',
      Array.from({ length: 20 }, (_, i) => fraudRecord(i)),
    );
    const res = await get('/v1/models/fraud/segments?by=regoin');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'unknown_tag' } });
    expect(res.json().error.message).toContain('"regoin"');
    expect(res.json().error.message).toContain('its tags are region');
    const feature = await get('/v1/models/fraud/segments?by=feature:amout');
    expect(feature.statusCode).toBe(400);
    expect(feature.json().error.message).toContain('"amout"');
    expect((await get('/v1/models/fraud/segments?by=region')).statusCode).toBe(200);
  });

  it('takes state=open on alerts: warning or alert, not resolved', async () => {
    const now = Date.UTC(2026, 10, 2);
    const alert = (id: string, state: AlertRecord['state']): AlertRecord => ({
      id,
      monitor: 'm',
      monitor_id: 'm',
      model: 'fraud',
      kind: 'drift',
      metric: 'drifted_share',
      state,
      value: 0.5,
      threshold: null,
      opened: new Date(now).toISOString(),
      updated: new Date(now).toISOString(),
      warned: null,
      alerted: null,
      predicted_breach: null,
      reason: 'test',
      contributors: [],
      acknowledged: false,
      acknowledged_at: null,
      muted_until: null,
    });
    for (const [id, state] of [
      ['a1', 'warning'],
      ['a2', 'alert'],
      ['a3', 'resolved'],
    ] as const)
      await t.server.monitors.alerts.put(DEFAULT_PROJECT, alert(id, state), now);
    const res = await get('/v1/alerts?state=open');
    expect(res.statusCode, res.body).toBe(200);
    const ids = (res.json().alerts as Array<{ id: string }>).map((a) => a.id).sort();
    expect(ids).toEqual(['a1', 'a2']);
    const bad = await get('/v1/alerts?state=closed');
    expect(bad.json().error.message).toBe('state: must be one of warning, alert, resolved, open');
  });
});
