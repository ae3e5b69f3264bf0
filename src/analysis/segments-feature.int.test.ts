import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { testEngine } from '../store/test-support/test-store.js';
import { bucketLabels } from './segments-feature.js';

interface Segment {
  value: string;
  share_baseline: number;
  share_current: number;
  count: number;
  metrics: Record<string, number>;
  intervals: Record<string, [number, number]>;
  flags: string[];
}
interface Body {
  by: string;
  feature: { name: string; type: string; buckets: string[] | null; edges: number[] | null };
  segments: Segment[];
  underrepresented: string[];
  underperforming: string[];
}

describe(`GET /v1/models/{model}/segments?by=feature:NAME (${testEngine})`, () => {
  const t = useTestServer();

  /**
   * Training: age 20…69 (40 rows each), plan basic/pro. Production: age 20…89, plan also
   * 'enterprise' (never in training); recall 0.8 except 0.4 for ages under 30.
   */
  async function seed(): Promise<Array<{ age: number; plan: string; positive: boolean; caught: boolean }>> {
    const rand = mulberry32(5);
    const training = Array.from({ length: 2000 }, (_, i) => ({
      model: 'f',
      environment: 'training',
      id: `t${i}`,
      features: { age: 20 + (i % 50), plan: i % 2 ? 'basic' : 'pro' },
      prediction: { label: 'no', score: 0.1 },
    }));
    const production = Array.from({ length: 3500 }, (_, i) => {
      const age = 20 + (i % 70);
      const plan = ['basic', 'pro', 'enterprise'][i % 3] as string;
      const positive = rand() < 0.5;
      const caught = positive ? rand() < (age < 30 ? 0.4 : 0.8) : rand() < 0.05;
      return { age, plan, positive, caught };
    });
    await postNdjson(t.server.app, '/v1/records', training);
    await postNdjson(
      t.server.app,
      '/v1/records',
      production.map((p, i) => ({
        model: 'f',
        id: `p${i}`,
        features: { age: p.age, plan: p.plan },
        prediction: { label: p.caught ? 'yes' : 'no', score: p.caught ? 0.9 : 0.1 },
        actual: { label: p.positive ? 'yes' : 'no' },
      })),
    );
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/f',
      payload: { task: 'binary', positive_label: 'yes' },
    });
    return production;
  }

  const get = async (q: string) => {
    const res = await t.server.app.inject({ method: 'GET', url: `/v1/models/f/segments?${q}` });
    return { status: res.statusCode, body: res.json() as Body };
  };

  it('buckets a numeric feature by the baseline’s quantiles and flags the bucket with half the recall', async () => {
    const production = await seed();
    const { status, body } = await get('by=feature:age&buckets=5');
    expect(status).toBe(200);
    // Quintiles of 20…69 (40 rows each): 30, 40, 50, 60.
    expect(body.feature).toMatchObject({ name: 'age', type: 'numeric', edges: [30, 40, 50, 60] });
    const labels = bucketLabels([30, 40, 50, 60]);
    expect(labels).toEqual(['(-inf, 30)', '[30, 40)', '[40, 50)', '[50, 60)', '[60, inf)']);
    expect(body.segments.map((s) => s.value)).toEqual(labels);
    for (const s of body.segments) expect(s.share_baseline, s.value).toBeCloseTo(0.2, 12);
    // Counts and recall per bucket, recomputed from the rows sent.
    const bounds = [Number.NEGATIVE_INFINITY, 30, 40, 50, 60, Number.POSITIVE_INFINITY];
    body.segments.forEach((s, i) => {
      const rows = production.filter((p) => p.age >= (bounds[i] ?? 0) && p.age < (bounds[i + 1] ?? 0));
      expect(s.count, s.value).toBe(rows.length);
      const positives = rows.filter((p) => p.positive);
      expect(s.metrics['recall'], s.value).toBeCloseTo(
        positives.filter((p) => p.caught).length / positives.length,
        12,
      );
      expect(s.intervals['recall']?.[0]).toBeLessThan(s.metrics['recall'] ?? 0);
    });
    expect(body.underperforming).toEqual(['(-inf, 30)']);
    expect(body.segments[0]?.flags).toContain('underperforming');
    expect(body.underrepresented).toEqual([]);
  }, 60_000);

  it('segments a categorical feature by value and flags the one absent from training; refuses bad input', async () => {
    await seed();
    const { status, body } = await get('by=feature:plan');
    expect(status).toBe(200);
    expect(body.feature).toMatchObject({ name: 'plan', type: 'categorical', buckets: null });
    expect(body.segments.map((s) => s.value).sort()).toEqual(['basic', 'enterprise', 'pro']);
    expect(body.underrepresented).toEqual(['enterprise']);
    expect(body.segments.find((s) => s.value === 'enterprise')?.share_baseline).toBe(0);

    for (const [q, message] of [
      ['by=feature:', /^by: feature: needs a feature name/],
      ['by=feature:nope', /^by: feature "nope" has no values/],
      ['by=feature:age&buckets=1', /buckets/],
    ] as const) {
      const res = await t.server.app.inject({ method: 'GET', url: `/v1/models/f/segments?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect((res.json() as { error: { message: string } }).error.message, q).toMatch(message);
    }
  }, 60_000);
});
