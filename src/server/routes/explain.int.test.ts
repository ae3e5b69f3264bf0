import { describe, expect, it } from 'vitest';
import { mulberry32, normal } from '../../demo/random.js';
import { testEngine } from '../../store/test-support/test-store.js';
import type { ExplainResponse } from '../api-types.js';
import { postNdjson, useTestServer } from '../test-support.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2);

/**
 * Two days of a binary model. Day 1 (baseline): US 1000 records (accuracy 0.9), EU 800 (0.9),
 * LATAM 200 (0.6). Day 2: US 600 (0.9), EU 600 (0.6: EU's rate drops), LATAM 800 (0.6: LATAM's
 * share grows). Accuracy 1740/2000 = 0.87 → 1380/2000 = 0.69. The score depends on x_used only;
 * on day 2 x_used shifts by 0.8 and x_ignored by 1.5.
 */
function dataset() {
  const rand = mulberry32(3);
  const plan: Array<[day: number, region: string, n: number, correct: number]> = [
    [0, 'US', 1000, 900],
    [0, 'EU', 800, 720],
    [0, 'LATAM', 200, 120],
    [1, 'US', 600, 540],
    [1, 'EU', 600, 360],
    [1, 'LATAM', 800, 480],
  ];
  const records: unknown[] = [];
  for (const [day, region, n, correct] of plan)
    for (let i = 0; i < n; i++) {
      const xUsed = normal(rand) + (day === 1 ? 0.8 : 0);
      const xIgnored = normal(rand) + (day === 1 ? 1.5 : 0);
      const score = 1 / (1 + Math.exp(-2 * xUsed));
      const yhat = score >= 0.5 ? 'yes' : 'no';
      const other = yhat === 'yes' ? 'no' : 'yes';
      records.push({
        model: 'm',
        id: `${day}-${region}-${i}`,
        timestamp: T0 + day * DAY + Math.floor((i / n) * DAY),
        tags: { region },
        features: { x_used: xUsed, x_ignored: xIgnored, device: i % 3 === 0 ? 'ios' : 'android' },
        prediction: { label: yhat, score: Math.round(score * 1e4) / 1e4 },
        actual: { label: i < correct ? yhat : other },
      });
    }
  return records;
}

describe(`GET /v1/models/{model}/explain (${testEngine})`, () => {
  const t = useTestServer();
  const window = `from=${new Date(T0 + DAY).toISOString()}&to=${new Date(T0 + 2 * DAY).toISOString()}`;
  const get = async (query: string) =>
    t.server.app.inject({ method: 'GET', url: `/v1/models/m/explain?${query}` });
  // Each test has a store of its own (useTestServer).
  const seed = async () => {
    await postNdjson(t.server.app, '/v1/records', dataset());
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/m',
      payload: { task: 'binary', positive_label: 'yes' },
    });
  };

  it('names the segment whose rate dropped and the one whose share grew, and their parts sum to the change', async () => {
    await seed();
    const res = await get(`metric=accuracy&${window}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as ExplainResponse;
    expect(body.baseline.from).toBe(new Date(T0).toISOString());
    expect(body.before).toBeCloseTo(0.87, 12);
    expect(body.after).toBeCloseTo(0.69, 12);
    expect(body.change).toBeCloseTo(-0.18, 12);
    const eu = body.contributors.find((c) => c.dimension === 'region' && c.segment === 'EU')!;
    const latam = body.contributors.find((c) => c.dimension === 'region' && c.segment === 'LATAM')!;
    // EU: rate 0.9 → 0.6 over a mean share 0.35 → −0.105; LATAM: share 0.1 → 0.4, rate 0.6 < M̄ 0.78.
    expect(eu.rate).toBeCloseTo(0.35 * -0.3, 12);
    expect(eu.significant).toBe(true);
    expect(latam.mix).toBeCloseTo(0.3 * (0.6 - 0.78), 12);
    expect(latam.rate).toBeCloseTo(0, 12);
    expect(latam.significant).toBe(true);
    expect(new Set(body.contributors.slice(0, 2).map((c) => `${c.dimension}=${c.segment}`))).toEqual(
      new Set(['region=EU', 'region=LATAM']),
    );
    expect(body.dimensions[0]!.dimension).toBe('region');
    for (const d of body.dimensions) {
      const sum = d.segments.reduce((a, s) => a + s.contribution, 0);
      expect(Math.abs(sum - body.change!), d.dimension).toBeLessThan(1e-9);
      const parts = d.segments.reduce((a, s) => a + s.mix + s.rate, 0);
      expect(Math.abs(parts - body.change!), d.dimension).toBeLessThan(1e-9);
    }
    expect(body.dimensions.map((d) => d.dimension).sort()).toEqual(
      ['feature:device', 'feature:x_ignored', 'feature:x_used', 'region'].sort(),
    );
  });

  it('attributes the score’s drift to the shifted feature the model uses, not the shifted one it ignores', async () => {
    await seed();
    const body = (await get(`metric=mean_score&${window}`)).json() as ExplainResponse;
    expect(body.features[0]!.feature).toBe('x_used');
    expect(body.features[0]!.importance_source).toBe('estimated');
    const ignored = body.features.find((f) => f.feature === 'x_ignored')!;
    expect(ignored.drift).toBeGreaterThan(body.features[0]!.drift);
    expect(ignored.share).toBeLessThan(0.1);
  });

  it('decomposes volume against the previous day, and keeps to the dimensions asked for', async () => {
    await seed();
    const body = (await get(`metric=volume&by=region&${window}`)).json() as ExplainResponse;
    expect(body.before).toBe(2000);
    expect(body.after).toBe(2000);
    expect(body.dimensions.map((d) => d.dimension)).toEqual(['region']);
    expect(body.contributors[0]!.segment).toBe('LATAM');
    expect(body.contributors[0]!.contribution).toBeCloseTo(600, 9);
  });

  it('refuses an unknown parameter, a metric the task lacks and an unknown dimension, naming them', async () => {
    await seed();
    const unknown = await get(`metric=accuracy&bogus=1&${window}`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_parameter');
    const metric = await get(`metric=mae&${window}`);
    expect(metric.statusCode).toBe(400);
    expect(metric.json().error.message).toMatch(
      /metric: "mae" cannot be explained for a binary model; allowed: volume/,
    );
    const dim = await get(`metric=accuracy&by=regoin&${window}`);
    expect(dim.statusCode).toBe(400);
    expect(dim.json().error.message).toMatch(/by: "regoin"/);
  });
});
