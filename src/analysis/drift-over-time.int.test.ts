import { describe, expect, it } from 'vitest';
import { mulberry32, normal, pick } from '../demo/random.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { testEngine } from '../store/test-support/test-store.js';

// GET /drift?granularity=… must give, per bucket, the very numbers GET /drift gives for that
// bucket's window with the same count-based method: same bins, discrete view, missing bin and
// categories. A wrong bin edge, a lost category or a bucket boundary off by one breaks equality.

const DAY = 86_400_000;
// A Monday, so weekly buckets line up with whole days of the data.
const DAY0 = Date.UTC(2026, 5, 1);

interface Feature {
  name: string;
  type: string;
  method: string;
  statistic: number | null;
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  severity?: string;
  stats: { psi: number | null; js: number | null };
}
interface Bucket {
  start: string;
  end: string;
  count: number;
  features: Feature[];
  prediction: Feature | null;
  drifted_share: number;
}

describe(`GET /v1/models/{model}/drift?granularity (${testEngine})`, () => {
  const t = useTestServer();

  async function seed() {
    const rand = mulberry32(5);
    const rec = (env: string, i: number, ts: number, day: number) => {
      const shifted = day >= 2;
      const x = normal(rand) + (shifted ? 0.8 : 0);
      return {
        model: 'm',
        environment: env,
        id: `${env}${i}`,
        timestamp: ts,
        features: {
          x: Math.round(x * 100) / 100,
          // Discrete (4 values) until day 3, where it takes many: the discrete view, then bins.
          k: day === 3 ? Math.floor(rand() * 40) : Math.floor(rand() * 4),
          c: pick(rand, ['a', 'b', 'c', 'new'], shifted ? [20, 20, 30, 30] : [40, 30, 30, 0]),
          flag: rand() < (shifted ? 0.5 : 0.2),
          ...(rand() < 0.1 ? { note: null } : {}),
          ...(i % 7 === 0 ? {} : { gap: rand() }),
        },
        prediction: {
          label: x > 0.5 ? 'yes' : 'no',
          score: Math.round((1 / (1 + Math.exp(-x))) * 1e4) / 1e4,
        },
      };
    };
    const training = Array.from({ length: 1500 }, (_, i) =>
      rec('training', i, DAY0 - 30 * DAY + i * 1000, 0),
    );
    const production = Array.from({ length: 2000 }, (_, i) => {
      const ts = DAY0 + Math.floor((i / 2000) * 4 * DAY);
      return rec('production', i, ts, Math.floor((ts - DAY0) / DAY));
    });
    await postNdjson(t.server.app, '/v1/records', training);
    await postNdjson(t.server.app, '/v1/records', production);
  }

  const get = async (url: string) => {
    const res = await t.server.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  it('gives per bucket what GET /drift gives for that window with the same method', async () => {
    await seed();
    for (const [method, from] of [
      ['psi', `${new Date(DAY0 + DAY / 2).toISOString()}`],
      ['js', ''],
    ] as const) {
      const q = `baseline=training&numeric_method=${method}&categorical_method=${method}`;
      const over = await get(`/v1/models/m/drift?${q}&granularity=day${from ? `&from=${from}` : ''}`);
      expect(over.status).toBe(200);
      const buckets = over.body['buckets'] as Bucket[];
      expect(buckets.length).toBe(4);
      // The first bucket is clipped to the requested range.
      expect(buckets[0]?.start).toBe(from || new Date(DAY0).toISOString());
      expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(from ? 1750 : 2000);
      for (const b of buckets) {
        const one = await get(`/v1/models/m/drift?${q}&from=${b.start}&to=${b.end}`);
        expect(one.status).toBe(200);
        const ref = one.body as {
          current: { records: number };
          features: Feature[];
          prediction_outputs: Feature[];
          drifted_share: number;
        };
        expect(b.count).toBe(ref.current.records);
        expect(b.features.map((f) => f.name)).toEqual(ref.features.map((f) => f.name));
        for (const f of b.features) {
          const r = ref.features.find((x) => x.name === f.name);
          expect(r, f.name).toBeDefined();
          expect([f.type, f.method, f.drifted, f.threshold], f.name).toEqual([
            r?.type,
            r?.method,
            r?.drifted,
            r?.threshold,
          ]);
          expect(f.statistic, `${b.start} ${f.name}`).toBeCloseTo(r?.statistic ?? Number.NaN, 12);
          expect(f.stats.psi, f.name).toBeCloseTo(r?.stats.psi ?? Number.NaN, 12);
          expect(f.stats.js, f.name).toBeCloseTo(r?.stats.js ?? Number.NaN, 12);
        }
        expect(b.drifted_share).toBeCloseTo(ref.drifted_share, 12);
        // The prediction is judged by the same method; its distances equal the one-window route's.
        const score = ref.prediction_outputs.find((p) => p.name === 'score');
        expect(b.prediction?.name).toBe('score');
        expect(b.prediction?.stats.psi).toBeCloseTo(score?.stats.psi ?? Number.NaN, 12);
        expect(b.prediction?.stats.js).toBeCloseTo(score?.stats.js ?? Number.NaN, 12);
      }
      // The shift on day 2 shows: x drifts after it and not before.
      const x = (i: number) => buckets[i]?.features.find((f) => f.name === 'x');
      expect(x(0)?.drifted).toBe(false);
      expect(x(3)?.drifted).toBe(true);
    }
  }, 60_000);

  it('weeks start on Mondays; the PSI band is the severity', async () => {
    await seed();
    const over = await get('/v1/models/m/drift?granularity=week');
    expect(over.status).toBe(200);
    const buckets = over.body['buckets'] as Bucket[];
    expect(buckets.map((b) => [b.start, b.end])).toEqual([
      [new Date(DAY0).toISOString(), new Date(DAY0 + 7 * DAY).toISOString()],
    ]);
    for (const f of buckets[0]?.features ?? []) {
      const psi = f.stats.psi ?? Number.NaN;
      expect(f.method).toBe('psi');
      expect(f.statistic).toBe(f.stats.psi);
      expect(f.severity).toBe(psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate' : 'major');
    }
    // `c` gains a category from day 2 on (30% of it): a major shift over the week.
    expect(buckets[0]?.features.find((f) => f.name === 'c')?.severity).toBe('major');
  }, 60_000);

  it('refuses a sample-based method, an unknown granularity and too many buckets', async () => {
    const HOUR = 3_600_000;
    await postNdjson(t.server.app, '/v1/records', [
      { model: 'm', environment: 'training', timestamp: 0, features: { x: 1 } },
      { model: 'm', timestamp: DAY0, features: { x: 1 } },
      { model: 'm', timestamp: DAY0 + 2100 * HOUR, features: { x: 1 } },
      // 2001 hours with a record each, under a model of their own.
      ...Array.from({ length: 2001 }, (_, h) => ({
        model: 'busy',
        timestamp: DAY0 + h * HOUR,
        features: { x: h },
      })),
    ]);
    const ks = await get('/v1/models/m/drift?granularity=day&numeric_method=ks');
    expect(ks.status).toBe(400);
    expect(ks.body).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringMatching(/^numeric_method: with granularity/) },
    });
    const month = await get('/v1/models/m/drift?granularity=month');
    expect(month.status).toBe(400);
    // 2101 hours apart: every hour with a record is a bucket; two records make two buckets.
    const hours = await get('/v1/models/m/drift?granularity=hour');
    expect(hours.status).toBe(200);
    expect((hours.body['buckets'] as Bucket[]).length).toBe(2);
    const busy = await get('/v1/models/busy/drift?granularity=hour');
    expect(busy.status).toBe(400);
    expect(busy.body).toMatchObject({
      error: { message: expect.stringMatching(/^granularity: the range holds 2001 hour buckets/) },
    });
    expect((await get('/v1/models/busy/drift?granularity=day')).status).toBe(200);
    const missing = await get('/v1/models/nope/drift?granularity=day');
    expect(missing.status).toBe(404);
  });
});
