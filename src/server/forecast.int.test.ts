import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/random.js';
import { monitorIdOf, parseMonitorSpec } from '../monitor/monitor-spec.js';
import { replayMonitors } from '../monitor/replay.js';
import { Entities } from '../store/entities.js';
import type { PerformanceResponse, ResidualsResponse } from './api-types.js';
import { postNdjson, useTestServer } from './test-support.js';

// Issue 21: forecasts that degrade only at long horizons show in /performance?by=horizon, and a
// monitor on MASE at 7d alerts while the same monitor at 1h stays quiet.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 9, 1);
const DAYS = 21;
/** From this target time on, the 7-day-ahead forecasts over-predict by 25 (a missed regime change). */
const BREAK = T0 + 17 * DAY;

function generated() {
  const rand = mulberry32(21);
  const noise = (sd: number) => (rand() + rand() + rand() - 1.5) * 2 * sd;
  const records: unknown[] = [];
  const actuals: unknown[] = [];
  for (let i = 0; i < DAYS * 24; i++) {
    const t = T0 + i * HOUR;
    const y = 100 + 20 * Math.sin((2 * Math.PI * i) / 24) + noise(2);
    actuals.push({ model: 'demand', series: 'north', target_time: t, actual: { value: y }, timestamp: t });
    for (const [h, ms, sd] of [
      ['PT1H', HOUR, 1],
      ['PT24H', DAY, 3],
      ['P7D', 7 * DAY, 3],
    ] as const) {
      const bias = h === 'P7D' && t >= BREAK ? 25 : 0;
      records.push({
        model: 'demand',
        id: `north-${i}-${h}`,
        timestamp: t - ms,
        tags: { series: 'north' },
        prediction: { value: y + bias + noise(sd), horizon: h, target_time: t },
      });
    }
  }
  return { records, actuals };
}

const mase = (horizon: string) => ({
  name: `demand mase ${horizon}`,
  model: 'demand',
  kind: 'performance',
  metric: 'mase',
  forecast_horizon: horizon,
  threshold: { op: '>', value: 1.5 },
  window: '1d',
  cadence: '6h',
  policy: { alert_after: 1, resolve_after: 2 },
});

describe('forecasts by horizon', () => {
  const ctx = useTestServer();

  it('degrading at 7d only: by=horizon shows it, and MASE@7d alerts while MASE@1h stays quiet', async () => {
    const { app } = ctx.server;
    const { records, actuals } = generated();
    // Half the actuals before their forecasts, half after.
    const firstActuals = actuals.slice(0, actuals.length / 2);
    expect((await postNdjson(app, '/v1/actuals', firstActuals)).body).toMatchObject({ rejected: 0 });
    expect((await postNdjson(app, '/v1/records', records)).body).toMatchObject({ rejected: 0 });
    expect((await postNdjson(app, '/v1/actuals', actuals.slice(actuals.length / 2))).body).toMatchObject({
      rejected: 0,
    });

    const res = await app.inject({
      method: 'GET',
      url: `/v1/models/demand/performance?by=horizon&granularity=day&from=${new Date(T0 + 8 * DAY).toISOString()}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as PerformanceResponse;
    expect(body.task).toBe('forecast');
    expect(body.season).toEqual({ lag_ms: DAY, source: 'detected' });
    const byH = new Map((body.horizons ?? []).map((h) => [h.horizon, h]));
    expect([...byH.keys()]).toEqual(['PT1H', 'PT24H', 'P7D']);
    for (const h of byH.values()) expect(h.labeled).toBe(h.count);
    const at = (h: string, day: number) =>
      byH.get(h)?.series.find((b) => b.start === new Date(T0 + day * DAY).toISOString())?.metrics[
        'mase'
      ] as number;
    // Before the break every horizon beats 1.5; after it, 7d is far worse, 1h and 24h unchanged.
    for (const h of ['PT1H', 'PT24H', 'P7D']) expect(at(h, 12)).toBeLessThan(1.5);
    expect(at('P7D', 19)).toBeGreaterThan(5);
    expect(at('PT1H', 19)).toBeLessThan(1);
    expect(at('PT24H', 19)).toBeLessThan(1.5);
    expect(byH.get('P7D')?.metrics['bias'] as number).toBeGreaterThan(5);

    const specs = ['7d', '1h'].map((h) => parseMonitorSpec(mase(h)));
    const replay = await replayMonitors({
      store: ctx.store,
      entities: new Entities(ctx.store, { nowMs: () => T0 }),
      project: 'default',
      monitors: specs.map((s) => ({ ...s, id: monitorIdOf(s.name), created: 0, updated: 0 })),
      fromMs: T0 + 10 * DAY,
      toMs: T0 + DAYS * DAY,
      stepMs: 6 * HOUR,
    });
    expect(replay.errors).toEqual([]);
    const alerts = replay.events.filter((e) => e.state === 'alert');
    expect(alerts.map((e) => e.monitor)).toEqual(['demand mase 7d']);
    const opened = Date.parse(alerts[0]?.time ?? '');
    expect(opened).toBeGreaterThan(BREAK);
    expect(opened).toBeLessThanOrEqual(BREAK + DAY);
    expect(replay.events.some((e) => e.monitor === 'demand mase 1h' && e.state !== 'ok')).toBe(false);
  });

  it('a bias shift in the 7d residuals is a level-shift event starting within 6 hours of the change', async () => {
    const { app } = ctx.server;
    const { records, actuals } = generated();
    await postNdjson(app, '/v1/records', records);
    await postNdjson(app, '/v1/actuals', actuals);
    const get = async (horizon: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/models/demand/residuals?horizon=${horizon}` });
      expect(res.statusCode).toBe(200);
      return res.json() as ResidualsResponse;
    };
    const week = await get('7d');
    expect(week.horizon).toBe('P7D');
    expect(week.points).toHaveLength(DAYS * 24);
    const shifts = week.events.filter((e) => e.direction === 'down' && e.kind === 'level_shift');
    expect(shifts).toHaveLength(1);
    const start = Date.parse(shifts[0]?.start ?? '');
    expect(Math.abs(start - BREAK)).toBeLessThanOrEqual(6 * HOUR);
    // The 1-hour forecasts did not change: no event of any kind lasts there.
    const hour = await get('PT1H');
    expect(hour.events.filter((e) => e.kind === 'level_shift')).toEqual([]);
    const bad = await app.inject({ method: 'GET', url: '/v1/models/demand/residuals?horizon=1M' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { message: string } }).error.message).toMatch(/^horizon: /);
  });

  it('refuses by=horizon for a model that is not a forecaster, and bad forecast monitors, naming the field', async () => {
    const { app } = ctx.server;
    await postNdjson(app, '/v1/records', [{ model: 'reg', id: 'a', prediction: { value: 1 } }]);
    const res = await app.inject({ method: 'GET', url: '/v1/models/reg/performance?by=horizon' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    expect((res.json() as { error: { message: string } }).error.message).toMatch(/^by: .*forecast/);
    const bad = await app.inject({ method: 'GET', url: '/v1/models/reg/performance?by=segment' });
    expect(bad.statusCode).toBe(400);
    expect(() => parseMonitorSpec({ ...mase('1M') })).toThrow(/forecast_horizon/);
    expect(() => parseMonitorSpec({ ...mase('7d'), kind: 'latency', metric: 'p99' })).toThrow(
      /forecast_horizon/,
    );
  });
});
