import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { testEngine } from '../store/test-support/test-store.js';
import { postNdjson, useTestServer } from './test-support.js';

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
});
