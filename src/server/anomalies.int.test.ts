import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.js';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../store/test-support/test-store.js';
import { buildServer, type VigilServer } from './app.js';

describe('POST /v1/anomalies/detect', () => {
  let store: Store;
  let server: VigilServer;
  beforeEach(async () => {
    store = await openTestStore();
    server = await buildServer({ store });
  });
  afterEach(async () => {
    await server.close();
    await dropTestStore(store);
  });
  afterAll(() => cleanupTestDataDir());

  it('explains each point and flags a spike', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const series = Array.from({ length: 24 * 21 }, (_, i) => ({
      timestamp: new Date(t0 + i * 3_600_000).toISOString(),
      value: 100 + 30 * Math.sin((2 * Math.PI * i) / 24) + (i === 24 * 18 ? 400 : 0),
    }));
    const res = await server.app.inject({ method: 'POST', url: '/v1/anomalies/detect', payload: { series } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      points: Array<{ timestamp: string; anomaly: boolean; expected: number; lower: number; upper: number }>;
    };
    expect(body.points).toHaveLength(series.length);
    const flagged = body.points.filter((p) => p.anomaly).map((p) => p.timestamp);
    expect(flagged).toContain(series[24 * 18]?.timestamp);
    expect(flagged.length).toBeLessThan(5);
  });

  it('answers 400 naming the bad point', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { series: [{ timestamp: '2026-01-01T00:00:00Z', value: 'NaN' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_request', message: 'series.0.value: must be a finite number, got "NaN"' },
    });
    const noSeries = await server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { sensitivity: 'loud' },
    });
    expect(noSeries.statusCode).toBe(400);
  });
});
