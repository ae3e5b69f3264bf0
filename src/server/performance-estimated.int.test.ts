import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { postNdjson, useTestServer } from './test-support.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 9, 1);

/** A calibrated binary classifier: P(fraud | score) = score; the current days shift the scores. */
function world() {
  const rand = mulberry32(5);
  const rows = (env: string, day: number, n: number, shift: number, labelled: boolean) =>
    Array.from({ length: n }, (_, i) => {
      const score = Math.min(0.999, Math.max(0.001, rand() ** (1 + shift)));
      const y = rand() < score ? 'fraud' : 'legit';
      return {
        model: 'fraud',
        environment: env,
        id: `${env}-${day}-${i}`,
        timestamp: t0 + day * DAY + Math.floor((i / n) * DAY),
        features: { x: score },
        prediction: { score, label: score >= 0.5 ? 'fraud' : 'legit' },
        ...(labelled ? { actual: { label: y } } : {}),
      };
    });
  const training = rows('training', -30, 6000, 0, true);
  // Days 0-5 labelled (to compare), days 6-9 without labels yet; scores drift lower each day.
  const production = Array.from({ length: 10 }, (_, d) => rows('production', d, 1500, d * 0.3, d < 6)).flat();
  return { training, production };
}

describe('GET /v1/models/{model}/performance estimated', () => {
  const ctx = useTestServer();

  it('gives label-free estimates per bucket that track the realised metrics, with bands, also where labels are missing', async () => {
    const { app } = ctx.server;
    const { training, production } = world();
    await postNdjson(app, '/v1/records', training);
    await postNdjson(app, '/v1/records', production);
    const res = await app.inject({ method: 'GET', url: '/v1/models/fraud/performance?granularity=day' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      series: Array<{
        start: string;
        labeled: number;
        metrics: Record<string, number | null>;
        estimated: Record<string, number | null> | null;
        estimated_bands?: Record<string, { lower: number; upper: number }>;
      }>;
    };
    expect(body.series).toHaveLength(10);
    const errors: Record<string, number[]> = { accuracy: [], auc: [] };
    let covered = 0;
    for (const b of body.series) {
      expect(b.estimated?.['accuracy']).toBeTypeOf('number');
      const band = b.estimated_bands?.['accuracy'];
      expect(band!.lower).toBeLessThanOrEqual(b.estimated!['accuracy']!);
      expect(band!.upper).toBeGreaterThanOrEqual(b.estimated!['accuracy']!);
      if (b.labeled === 0) continue;
      for (const m of ['accuracy', 'auc']) errors[m]!.push(Math.abs(b.estimated![m]! - b.metrics[m]!));
      const acc = b.metrics['accuracy']!;
      if (acc >= band!.lower && acc <= band!.upper) covered++;
    }
    const mae = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    process.stdout.write(
      `estimated vs realised over 6 labelled days: accuracy MAE ${mae(errors['accuracy']!).toFixed(4)}, AUC MAE ${mae(errors['auc']!).toFixed(4)}, accuracy inside its 95% band ${covered}/6\n`,
    );
    expect(mae(errors['accuracy']!)).toBeLessThan(0.02);
    expect(mae(errors['auc']!)).toBeLessThan(0.02);
    expect(covered).toBeGreaterThanOrEqual(4);
    // The score shift moves the estimate: the last unlabelled day differs from the first day.
    const first = body.series[0]!.estimated!['accuracy']!;
    const last = body.series[9]!.estimated!['accuracy']!;
    expect(Math.abs(last - first)).toBeGreaterThan(0.02);
  });

  it('answers the realised metrics when only the estimate is impossible (estimated null, with the reason)', async () => {
    const { app } = ctx.server;
    const { training, production } = world();
    // Too few labelled training rows to calibrate on (100 are needed).
    await postNdjson(app, '/v1/records', training.slice(0, 40));
    await postNdjson(app, '/v1/records', production);
    const res = await app.inject({ method: 'GET', url: '/v1/models/fraud/performance?granularity=day' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      estimated_reason: string | null;
      series: Array<{ metrics: Record<string, number | null>; estimated: unknown }>;
    };
    expect(body.estimated_reason).toContain('too few labelled');
    expect(body.series).toHaveLength(10);
    expect(body.series[0]!.metrics['accuracy']).toBeTypeOf('number');
    for (const b of body.series) expect(b.estimated).toBeNull();
    // With a labelled baseline there is no reason to give.
    await postNdjson(app, '/v1/records', training.slice(40));
    const full = (
      await app.inject({ method: 'GET', url: '/v1/models/fraud/performance?granularity=day' })
    ).json() as {
      estimated_reason: string | null;
    };
    expect(full.estimated_reason).toBeNull();
  });

  it('prices models for cost monitors and refuses a bad price naming the field', async () => {
    const { app } = ctx.server;
    const ok = await app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { cost: { usd_per_1k: 0.4 } },
    });
    expect(ok.statusCode).toBe(200);
    const bad = await app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { cost: { usd_per_1k: -1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('usd_per_1k');
  });
});
