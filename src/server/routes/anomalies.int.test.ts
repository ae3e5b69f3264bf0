import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../test-support.js';

const NAB_TAXI = new URL('../../../../shared/data/nab/data/realKnownCause/nyc_taxi.csv', import.meta.url)
  .pathname;

describe('POST /v1/anomalies/detect', () => {
  const t = useTestServer();

  it('explains each point and flags a spike', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const series = Array.from({ length: 24 * 21 }, (_, i) => ({
      timestamp: new Date(t0 + i * 3_600_000).toISOString(),
      value: 100 + 30 * Math.sin((2 * Math.PI * i) / 24) + (i === 24 * 18 ? 400 : 0),
    }));
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { series },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      points: Array<{ timestamp: string; anomaly: boolean; expected: number; lower: number; upper: number }>;
    };
    expect(body.points).toHaveLength(series.length);
    const flagged = body.points.filter((p) => p.anomaly).map((p) => p.timestamp);
    expect(flagged).toContain(series[24 * 18]?.timestamp);
    expect(flagged.length).toBeLessThan(5);
  });

  it('answers anomaly events beside the points: a spike and a fault with a start and an end (issue 18)', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const hour = 3_600_000;
    const series = Array.from({ length: 24 * 21 }, (_, i) => ({
      timestamp: new Date(t0 + i * hour).toISOString(),
      value:
        100 +
        30 * Math.sin((2 * Math.PI * i) / 24) +
        Math.sin(i * 7.3) +
        (i === 24 * 14 ? 400 : 0) +
        (i >= 24 * 17 && i < 24 * 17 + 30 ? 50 : 0),
    }));
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { series },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      points: unknown[];
      changepoints: string[];
      events: Array<{ start: string; end: string | null; kind: string; direction: string; ongoing: boolean }>;
    };
    expect(body.points).toHaveLength(series.length);
    const late = body.events.filter((e) => e.start >= new Date(t0 + 10 * 24 * hour).toISOString());
    expect(late).toEqual([
      expect.objectContaining({
        start: series[24 * 14]?.timestamp,
        end: series[24 * 14]?.timestamp,
        kind: 'spike',
        direction: 'up',
        ongoing: false,
      }),
      expect.objectContaining({
        start: series[24 * 17]?.timestamp,
        end: series[24 * 17 + 29]?.timestamp,
        kind: 'level_shift',
        direction: 'up',
        ongoing: false,
      }),
    ]);
  });

  it('flags only points outside the band it answers with, and gives a count series no negative bound (nyc_taxi)', async () => {
    const series = readFileSync(NAB_TAXI, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const [t, v] = l.split(',');
        return { timestamp: `${(t ?? '').replace(' ', 'T')}Z`, value: Number(v) };
      });
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { series },
    });
    expect(res.statusCode).toBe(200);
    const { points } = res.json() as {
      points: Array<{ value: number; anomaly: boolean; expected: number; lower: number; upper: number }>;
    };
    expect(points).toHaveLength(10320);
    expect(points.filter((p) => p.anomaly).length).toBeGreaterThan(0);
    expect(points.filter((p) => p.anomaly && p.lower <= p.value && p.value <= p.upper)).toEqual([]);
    expect(points.filter((p) => p.lower < 0 || p.upper < 0 || p.expected < 0)).toEqual([]);
  });

  it('answers 400 naming the bad point', async () => {
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { series: [{ timestamp: '2026-01-01T00:00:00Z', value: 'NaN' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { code: 'invalid_request', message: 'series.0.value: must be a finite number, got "NaN"' },
    });
    const noSeries = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { sensitivity: 'loud' },
    });
    expect(noSeries.statusCode).toBe(400);
  });

  it('scores a group of series as one event stream and names the member that drove an event (issue 18)', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const hour = 3_600_000;
    const regions = ['us', 'eu', 'apac', 'latam', 'mea', 'anz'];
    const group = Object.fromEntries(
      regions.map((r, k) => [
        r,
        Array.from({ length: 24 * 21 }, (_, i) => ({
          timestamp: new Date(t0 + i * hour).toISOString(),
          value:
            200 +
            50 * Math.sin((2 * Math.PI * i) / 24) +
            3 * Math.sin(i * (1.7 + k)) +
            (r === 'latam' && i >= 24 * 17 && i < 24 * 17 + 8 ? 90 : 0),
        })),
      ]),
    );
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/v1/anomalies/detect',
      payload: { group },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      group: {
        members: string[];
        steps: number;
        events: Array<{
          start: string;
          end: string | null;
          drivers: Array<{ member: string; share: number }>;
        }>;
      };
    };
    expect(body.group.members).toEqual(regions);
    expect(body.group.steps).toBe(24 * 21);
    const fault = body.group.events.find((e) => e.start === new Date(t0 + 24 * 17 * hour).toISOString());
    expect(fault?.drivers[0]?.member).toBe('latam');
    expect(fault?.drivers[0]?.share).toBeGreaterThan(0.5);
    expect(fault?.end).not.toBeNull();
  });

  it('answers 400 for a group that is not one: one member, both series and group, a bad point named by member', async () => {
    const point = { timestamp: '2026-01-01T00:00:00Z', value: 1 };
    const cases: Array<[unknown, string]> = [
      [{ group: { only: [point] } }, 'group: has 1 members; a group has 2 to 64'],
      [
        { series: [point], group: { a: [point], b: [point] } },
        'body: give exactly one of "series" (one series) or "group" (named series on one time axis)',
      ],
      [
        { group: { a: [point], b: [point, { timestamp: '2026-01-01T01:00:00Z', value: null }] } },
        'group.b.1.value: must be a finite number, got null',
      ],
      [{ group: [point] }, 'group: must be an object of named series, {"name": [{timestamp, value}, …], …}'],
    ];
    for (const [payload, message] of cases) {
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/v1/anomalies/detect',
        payload: payload as object,
      });
      expect(res.statusCode, message).toBe(400);
      expect(res.json()).toEqual({ error: { code: 'invalid_request', message } });
    }
  });

  it('stores a series, scores it incrementally as points arrive, and rescores after a late correction', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const point = (i: number, extra = 0) => ({
      timestamp: t0 + i * 3_600_000,
      value: 100 + 30 * Math.sin((2 * Math.PI * i) / 24) + extra,
    });
    const first = Array.from({ length: 24 * 14 }, (_, i) => point(i));
    const post = (points: unknown) =>
      t.server.app.inject({ method: 'POST', url: '/v1/series/traffic/points', payload: { points } });
    expect((await post(first)).json()).toMatchObject({ accepted: 24 * 14 });
    const a = (await t.server.app.inject({ method: 'GET', url: '/v1/series/traffic/anomalies' })).json() as {
      points: unknown[];
      scored: number;
    };
    expect(a.scored).toBe(24 * 14);
    // New points, one a spike: only they are fed to the detector, and the spike is flagged.
    const spikeAt = 24 * 14 + 5;
    await post(Array.from({ length: 24 }, (_, k) => point(24 * 14 + k, 24 * 14 + k === spikeAt ? 500 : 0)));
    const b = (await t.server.app.inject({ method: 'GET', url: '/v1/series/traffic/anomalies' })).json() as {
      points: Array<{ timestamp: string; anomaly: boolean }>;
      scored: number;
    };
    expect(b.scored).toBe(24 * 15);
    expect(b.points.filter((p) => p.anomaly).map((p) => p.timestamp)).toContain(
      new Date(point(spikeAt).timestamp).toISOString(),
    );
    // The spike is also an event of the stored series (issue 18), found in a range that holds it.
    const spikeIso = new Date(point(spikeAt).timestamp).toISOString();
    const inRange = (
      await t.server.app.inject({
        method: 'GET',
        url: `/v1/series/traffic/anomalies?from=${spikeIso}`,
      })
    ).json() as { events: Array<{ start: string; kind: string }> };
    expect(inRange.events).toContainEqual(expect.objectContaining({ start: spikeIso, kind: 'spike' }));
    // A correction to an old point rescores the series from its start; the count stays exact.
    await post([point(10, 1)]);
    const c = (await t.server.app.inject({ method: 'GET', url: '/v1/series/traffic/anomalies' })).json() as {
      scored: number;
      points: Array<{ timestamp: string; value: number }>;
    };
    expect(c.scored).toBe(24 * 15);
    const corrected = c.points.find((p) => p.timestamp === new Date(point(10).timestamp).toISOString());
    expect(corrected?.value).toBe(point(10, 1).value);
    const missing = await t.server.app.inject({ method: 'GET', url: '/v1/series/nope/anomalies' });
    expect(missing.statusCode).toBe(404);
    const bad = await post([{ timestamp: 'later', value: 1 }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { message: expect.stringMatching(/^points\.0\.timestamp/) } });
  });
});
