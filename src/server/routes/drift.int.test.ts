import { describe, expect, it } from 'vitest';
import { chiSquareContingency, ksTwoSample } from '../../core/index.js';
import { mulberry32, normal } from '../../demo/random.js';
import { testEngine } from '../../store/test-support/test-store.js';
import { postNdjson, useTestServer } from '../test-support.js';

describe(`GET /v1/models/{model}/drift (${testEngine})`, () => {
  const t = useTestServer();

  it('gives scipy-equal KS and chi-square per feature and flags the shifted ones', async () => {
    const rand = mulberry32(21);
    const ref = Array.from({ length: 800 }, () => normal(rand));
    const cur = Array.from({ length: 600 }, () => normal(rand) + 0.4);
    const stable = [
      Array.from({ length: 800 }, () => normal(rand)),
      Array.from({ length: 600 }, () => normal(rand)),
    ];
    const cats = ['a', 'b', 'c'];
    const refC = ref.map((_, i) => cats[i % 3] as string);
    const curC = cur.map((_, i) => (i % 2 ? 'a' : (cats[i % 3] as string)));
    const rec = (env: string, i: number, x: number, s: number, c: string) => ({
      model: 'm',
      environment: env,
      id: `${env}${i}`,
      timestamp: Date.UTC(2026, 5, 1) + i * 1000,
      features: { x, s, c },
      prediction: { score: 1 / (1 + Math.exp(-x)) },
    });
    await postNdjson(
      t.server.app,
      '/v1/records',
      ref.map((x, i) => rec('training', i, x, stable[0]?.[i] ?? 0, refC[i] ?? 'a')),
    );
    await postNdjson(
      t.server.app,
      '/v1/records',
      cur.map((x, i) => rec('production', i, x, stable[1]?.[i] ?? 0, curC[i] ?? 'a')),
    );
    const res = await t.server.app.inject({ method: 'GET', url: '/v1/models/m/drift?baseline=training' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      baseline: { records: number };
      current: { records: number };
      features: Array<{
        name: string;
        type: string;
        drifted: boolean;
        stats: Record<string, { statistic: number; p_value: number; dof?: number }>;
      }>;
      prediction: { name: string; drifted: boolean };
      drifted_share: number;
    };
    expect([body.baseline.records, body.current.records]).toEqual([800, 600]);
    const x = body.features.find((f) => f.name === 'x');
    const ks = ksTwoSample(ref, cur);
    if (!ks.ok) throw new Error(ks.message);
    expect(x?.stats['ks']?.statistic).toBeCloseTo(ks.statistic, 12);
    expect(x?.stats['ks']?.p_value).toBeCloseTo(ks.pValue, 12);
    expect(x?.drifted).toBe(true);
    expect(body.features.find((f) => f.name === 's')?.drifted).toBe(false);
    const c = body.features.find((f) => f.name === 'c');
    const count = (xs: string[], v: string) => xs.filter((y) => y === v).length;
    const chi = chiSquareContingency([cats.map((v) => count(refC, v)), cats.map((v) => count(curC, v))], {
      correction: false,
    });
    if (!chi.ok) throw new Error(chi.message);
    expect(c?.type).toBe('categorical');
    expect(c?.stats['chi2']?.statistic).toBeCloseTo(chi.statistic, 9);
    expect(c?.stats['chi2']?.p_value).toBeCloseTo(chi.pValue, 12);
    expect(body.prediction).toMatchObject({ name: 'score', drifted: true });
    expect(body.drifted_share).toBeCloseTo(2 / 3, 12);
  });

  it('refuses an unknown method or a window baseline without bounds, and 404s an unknown model', async () => {
    await postNdjson(t.server.app, '/v1/records', [{ model: 'm', features: { x: 1 } }]);
    const bad = await t.server.app.inject({ method: 'GET', url: '/v1/models/m/drift?numeric_method=magic' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { message: expect.stringMatching(/^numeric_method: must be one of/) },
    });
    const win = await t.server.app.inject({ method: 'GET', url: '/v1/models/m/drift?baseline=window' });
    expect(win.statusCode).toBe(400);
    const missing = await t.server.app.inject({ method: 'GET', url: '/v1/models/nope/drift' });
    expect(missing.statusCode).toBe(404);
  });
});
