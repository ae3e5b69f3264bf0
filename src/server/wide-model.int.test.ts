import { describe, expect, it } from 'vitest';
import { testEngine } from '../store/test-support/test-store.js';
import { postNdjson, useTestServer } from './test-support.js';

// Issue 14, finding 9: a model with thousands of distinct features (each record carries at most
// 2,000) broke drift with a 500 "Max query size exceeded" carrying ClickHouse's own text.

/** wideRecords: `groups` × 2,000 distinct numeric features, `perGroup` records per group and side. */
function wideRecords(model: string, groups: number, perGroup: number) {
  const rows: unknown[] = [];
  for (const environment of ['training', 'production'])
    for (let g = 0; g < groups; g++)
      for (let r = 0; r < perGroup; r++) {
        const features: Record<string, number> = {};
        for (let j = 0; j < 2000; j++)
          features[`f${g * 2000 + j}`] = ((r * 7 + j) % 11) + (environment === 'production' ? 0.5 : 0);
        rows.push({
          model,
          environment,
          id: `${environment}-${g}-${r}`,
          timestamp: Date.UTC(2026, 5, 1) + (g * perGroup + r) * 1000,
          features,
          prediction: { score: 0.5 },
        });
      }
  return rows;
}

describe(`wide models (${testEngine})`, () => {
  const t = useTestServer();

  it('judges the drift of 4,000 distinct features and the quality of 10,000', async () => {
    const res = await postNdjson(t.server.app, '/v1/records', [
      ...wideRecords('wide', 2, 3),
      ...wideRecords('wider', 5, 1),
    ]);
    expect(res.body).toMatchObject({ accepted: 22 });
    const drift = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/wide/drift?baseline=training',
    });
    expect(drift.statusCode, drift.body.slice(0, 300)).toBe(200);
    const body = drift.json() as { features: Array<{ name: string; drifted: boolean }> };
    expect(body.features.length).toBe(4000);
    const quality = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/wider/quality?baseline=training',
    });
    expect(quality.statusCode, quality.body.slice(0, 300)).toBe(200);
    expect(JSON.stringify(quality.json())).toContain('f9999');
  }, 300_000);

  it('answers a model past the feature cap with a 400 naming the cap', async () => {
    // Production only: 11 records of 2,000 features each, 22,000 distinct.
    const res = await postNdjson(t.server.app, '/v1/records', wideRecords('wider', 11, 1).slice(11));
    expect(res.body).toMatchObject({ accepted: 11 });
    const drift = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/wider/drift?baseline=window&baseline_from=2026-05-01T00:00:00Z&baseline_to=2026-06-01T00:00:00Z',
    });
    expect(drift.statusCode, drift.body.slice(0, 300)).toBe(400);
    expect(drift.json()).toMatchObject({ error: { code: 'too_many_features' } });
    expect(drift.json().error.message).toContain('20000');
    expect(drift.body).not.toMatch(/DB::|Code: \d/);
  }, 300_000);
});
