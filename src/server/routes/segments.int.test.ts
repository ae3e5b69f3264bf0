import { describe, expect, it } from 'vitest';
import {
  mapAtK,
  meanReciprocalRank,
  ndcgAtK,
  type RankedQuery,
  regressionMetrics,
} from '../../core/metrics/index.js';
import { mulberry32 } from '../../demo/random.js';
import { testEngine } from '../../store/test-support/test-store.js';
import { postNdjson, useTestServer } from '../test-support.js';

describe(`GET /v1/models/{model}/segments (${testEngine})`, () => {
  const t = useTestServer();

  it('flags a segment absent from training, and one whose recall is half the others, with parity and intervals', async () => {
    const rand = mulberry32(8);
    const training = Array.from({ length: 2000 }, (_, i) => ({
      model: 'f',
      environment: 'training',
      id: `t${i}`,
      tags: { region: i % 2 ? 'EU' : 'US' },
      prediction: { label: 'no', score: 0.1 },
    }));
    // Production: EU and US recall 0.8; APAC (never seen in training) recall 0.4.
    const recallOf: Record<string, number> = { EU: 0.8, US: 0.8, APAC: 0.4 };
    const production = Array.from({ length: 3000 }, (_, i) => {
      const region = ['EU', 'US', 'APAC'][i % 3] as string;
      const positive = rand() < 0.5;
      const caught = positive ? rand() < (recallOf[region] ?? 0) : rand() < 0.05;
      return {
        model: 'f',
        id: `p${i}`,
        tags: { region },
        prediction: { label: caught ? 'yes' : 'no', score: caught ? 0.9 : 0.1 },
        actual: { label: positive ? 'yes' : 'no' },
      };
    });
    await postNdjson(t.server.app, '/v1/records', training);
    await postNdjson(t.server.app, '/v1/records', production);
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/f',
      payload: { task: 'binary', positive_label: 'yes' },
    });
    const model = (await t.server.app.inject({ method: 'GET', url: '/v1/models/f' })).json() as {
      tags: string[];
    };
    expect(model.tags).toEqual(['region']);
    const res = await t.server.app.inject({ method: 'GET', url: '/v1/models/f/segments?by=region' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      underrepresented: string[];
      underperforming: string[];
      segments: Array<{
        value: string;
        share_baseline: number;
        share_current: number;
        count: number;
        metrics: Record<string, number>;
        intervals: Record<string, [number, number]>;
        parity: { tpr_difference: number } | null;
        flags: string[];
      }>;
    };
    expect(body.underrepresented).toEqual(['APAC']);
    expect(body.underperforming).toEqual(['APAC']);
    const apac = body.segments.find((s) => s.value === 'APAC');
    expect(apac?.share_baseline).toBe(0);
    expect(apac?.share_current).toBeCloseTo(1 / 3, 12);
    expect(apac?.flags).toEqual(['underrepresented', 'underperforming']);
    expect(apac?.metrics['recall']).toBeGreaterThan(0.3);
    expect(apac?.metrics['recall']).toBeLessThan(0.5);
    const [lo, hi] = apac?.intervals['recall'] ?? [0, 0];
    expect(lo).toBeLessThan(apac?.metrics['recall'] ?? 0);
    expect(hi).toBeGreaterThan(apac?.metrics['recall'] ?? 1);
    expect(apac?.parity?.tpr_difference).toBeLessThan(-0.3);
    expect(body.segments.find((s) => s.value === 'EU')?.flags).toEqual([]);
  });

  it("gives regression and ranking segments their task's metrics with intervals, equal to core's on the same rows", async () => {
    const rand = mulberry32(21);
    type Seg = 'EU' | 'US';
    // Regression: the US errors are larger; actuals never zero (MAPE is over y != 0).
    const reg = Array.from({ length: 400 }, (_, i) => {
      const region: Seg = i % 2 ? 'EU' : 'US';
      const y = 10 + rand() * 90;
      const pred = y + (rand() - 0.5) * (region === 'US' ? 20 : 4);
      return { region, y, pred, i };
    });
    await postNdjson(
      t.server.app,
      '/v1/records',
      reg.map((r) => ({
        model: 'demand',
        id: `r${r.i}`,
        tags: { region: r.region },
        prediction: { value: r.pred },
        actual: { value: r.y },
      })),
    );
    const items = Array.from({ length: 12 }, (_, j) => `i${j}`);
    const queries = Array.from({ length: 200 }, (_, i) => {
      const region: Seg = i % 2 ? 'EU' : 'US';
      const ranking = [...items].sort(() => rand() - 0.5);
      const relevance: Record<string, number> = {};
      for (const it of items) if (rand() < 0.3) relevance[it] = 1 + Math.floor(rand() * 3);
      return { region, ranking, relevance, i };
    });
    await postNdjson(
      t.server.app,
      '/v1/records',
      queries.map((q) => ({
        model: 'rec',
        id: `q${q.i}`,
        tags: { region: q.region },
        prediction: { ranking: q.ranking },
      })),
    );
    await postNdjson(
      t.server.app,
      '/v1/actuals',
      queries.map((q) => ({ model: 'rec', id: `q${q.i}`, actual: { relevance: q.relevance } })),
    );
    type Body = {
      task: string;
      segments: Array<{
        value: string;
        metrics: Record<string, number>;
        intervals: Record<string, [number, number]>;
      }>;
    };
    const get = async (model: string) =>
      (
        await t.server.app.inject({ method: 'GET', url: `/v1/models/${model}/segments?by=region` })
      ).json() as Body;

    const demand = await get('demand');
    expect(demand.task).toBe('regression');
    for (const region of ['EU', 'US'] as const) {
      const seg = demand.segments.find((x) => x.value === region)!;
      const rows = reg.filter((r) => r.region === region);
      const ref = regressionMetrics(
        rows.map((r) => r.y),
        rows.map((r) => r.pred),
      );
      expect(seg.metrics['mae']).toBeCloseTo(ref.mae, 9);
      expect(seg.metrics['rmse']).toBeCloseTo(ref.rmse, 9);
      expect(seg.metrics['mape']).toBeCloseTo(ref.mape, 9);
      expect(seg.metrics['r2']).toBeCloseTo(ref.r2, 9);
      for (const m of ['mae', 'rmse', 'mape', 'r2']) {
        const [lo, hi] = seg.intervals[m]!;
        expect(lo, `${region} ${m}`).toBeLessThan(seg.metrics[m]!);
        expect(hi, `${region} ${m}`).toBeGreaterThan(seg.metrics[m]!);
      }
      // MAE's interval: mean ± 1.96 s/√n of the absolute errors.
      const abs = rows.map((r) => Math.abs(r.pred - r.y));
      const sd = Math.sqrt(abs.reduce((s, a) => s + (a - ref.mae) ** 2, 0) / (abs.length - 1));
      expect(seg.intervals['mae']![1] - ref.mae).toBeCloseTo(
        (1.959963984540054 * sd) / Math.sqrt(abs.length),
        9,
      );
    }
    const us = demand.segments.find((x) => x.value === 'US')!;
    const eu = demand.segments.find((x) => x.value === 'EU')!;
    expect(us.intervals['mae']![0]).toBeGreaterThan(eu.intervals['mae']![1]);

    const rec = await get('rec');
    expect(rec.task).toBe('ranking');
    for (const region of ['EU', 'US'] as const) {
      const seg = rec.segments.find((x) => x.value === region)!;
      const judged: RankedQuery[] = queries.filter(
        (q) => q.region === region && Object.keys(q.relevance).length > 0,
      );
      expect(seg.metrics['ndcg@10']).toBeCloseTo(ndcgAtK(judged, 10), 9);
      expect(seg.metrics['map@10']).toBeCloseTo(mapAtK(judged, 10), 9);
      expect(seg.metrics['mrr']).toBeCloseTo(meanReciprocalRank(judged), 9);
      for (const m of ['ndcg@10', 'map@10', 'mrr']) {
        const [lo, hi] = seg.intervals[m]!;
        expect(lo).toBeLessThan(seg.metrics[m]!);
        expect(hi).toBeGreaterThan(seg.metrics[m]!);
      }
    }
  });
});
