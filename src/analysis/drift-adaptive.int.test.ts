import { describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../demo/random.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { testEngine } from '../store/test-support/test-store.js';

const DAY = 86_400_000;
const DAY0 = Date.UTC(2026, 9, 1);

interface Feature {
  name: string;
  method: string;
  statistic: number;
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  threshold_mode: string;
  adaptive?: { chunks: number; mean: number; std: number; fallback?: string };
}

describe(`GET /v1/models/{model}/drift?threshold_mode=adaptive (${testEngine})`, () => {
  const t = useTestServer();

  /**
   * Ten baseline days of 3000 rows whose mean wobbles day to day by up to ±0.12 sd (as real
   * data does), then a 10 000-row current window: `stable` sits 0.08 sd off the baseline's mean,
   * inside that wobble, and `shifted` 1 sd off.
   */
  async function seed(): Promise<void> {
    const rand = mulberry32(17);
    const wobble = Array.from({ length: 10 }, () => (rand() * 2 - 1) * 0.12);
    const mean = wobble.reduce((a, b) => a + b, 0) / wobble.length;
    const training = Array.from({ length: 30_000 }, (_, i) => {
      const day = Math.floor(i / 3000);
      const w = wobble[day] ?? 0;
      return {
        model: 'a',
        environment: 'training',
        id: `t${i}`,
        timestamp: DAY0 + day * DAY + (i % 3000) * 20_000,
        features: { stable: normal(rand) + w, shifted: normal(rand) + w },
      };
    });
    const production = Array.from({ length: 10_000 }, (_, i) => ({
      model: 'a',
      id: `p${i}`,
      timestamp: DAY0 + 20 * DAY + i * 5000,
      features: { stable: normal(rand) + mean + 0.08, shifted: normal(rand) + mean + 1 },
    }));
    for (const list of [training, production])
      for (let i = 0; i < list.length; i += 10_000)
        await postNdjson(t.server.app, '/v1/records', list.slice(i, i + 10_000));
  }

  const drift = async (q: string) => {
    const res = await t.server.app.inject({ method: 'GET', url: `/v1/models/a/drift?${q}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { threshold_mode: string; features: Feature[]; drifted_share: number };
    return { ...body, f: (n: string) => body.features.find((x) => x.name === n) as Feature };
  };

  it('does not flag a feature within the baseline’s day-to-day wobble that KS p-values flag; both flag a shift', async () => {
    await seed();
    const fixed = await drift('numeric_method=ks');
    expect(fixed.threshold_mode).toBe('fixed');
    expect(fixed.f('stable')).toMatchObject({ method: 'ks', drifted: true, threshold_mode: 'fixed' });
    expect(fixed.f('stable').p_value).toBeLessThan(0.01);
    expect(fixed.f('shifted').drifted).toBe(true);

    const adaptive = await drift('numeric_method=ks&threshold_mode=adaptive&chunks=10');
    expect(adaptive.threshold_mode).toBe('adaptive');
    const stable = adaptive.f('stable');
    expect(stable).toMatchObject({ method: 'ks', threshold_mode: 'adaptive', drifted: false });
    // The same KS statistic, judged against what the chunks learned: mean + 3 sd.
    expect(stable.statistic).toBeCloseTo(fixed.f('stable').statistic, 12);
    expect(stable.adaptive?.chunks).toBe(10);
    expect(stable.threshold).toBeCloseTo((stable.adaptive?.mean ?? 0) + 3 * (stable.adaptive?.std ?? 0), 12);
    expect(stable.statistic).toBeLessThan(stable.threshold);
    expect(adaptive.f('shifted')).toMatchObject({ threshold_mode: 'adaptive', drifted: true });
    expect(adaptive.drifted_share).toBe(0.5);

    // With the default method choice (normed Wasserstein at this size) the chunks learn its scale.
    const byDefault = await drift('threshold_mode=adaptive');
    expect(byDefault.f('stable')).toMatchObject({
      method: 'wasserstein',
      threshold_mode: 'adaptive',
      drifted: false,
    });
    expect(byDefault.f('shifted').drifted).toBe(true);
  }, 60_000);

  it('falls back to the fixed threshold when too few chunks hold the feature, and checks its input', async () => {
    await postNdjson(t.server.app, '/v1/records', [
      ...Array.from({ length: 40 }, (_, i) => ({
        model: 'b',
        environment: 'training',
        id: `t${i}`,
        // Every record at one instant: the time quantiles coincide, so one chunk holds them all.
        timestamp: DAY0,
        features: { x: i % 10 },
      })),
      ...Array.from({ length: 40 }, (_, i) => ({
        model: 'b',
        id: `p${i}`,
        timestamp: DAY0 + DAY,
        features: { x: i % 10 },
      })),
    ]);
    const res = await t.server.app.inject({
      method: 'GET',
      url: '/v1/models/b/drift?threshold_mode=adaptive',
    });
    expect(res.statusCode).toBe(200);
    const x = (res.json() as { features: Feature[] }).features.find((f) => f.name === 'x');
    expect(x?.threshold_mode).toBe('fixed');
    expect(x?.adaptive?.fallback).toMatch(/needs ≥ 5 chunk statistics, got 1/);

    for (const [q, field] of [
      ['threshold_mode=sometimes', 'threshold_mode'],
      ['threshold_mode=adaptive&chunks=2', 'chunks'],
      ['threshold_mode=adaptive&granularity=day', 'threshold_mode'],
    ] as const) {
      const bad = await t.server.app.inject({ method: 'GET', url: `/v1/models/b/drift?${q}` });
      expect(bad.statusCode, q).toBe(400);
      expect(bad.body, q).toContain(field);
    }
  }, 60_000);
});
