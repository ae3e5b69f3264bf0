import { describe, expect, it } from 'vitest';
import { modelContext } from '../analysis/index.js';
import { gaussian, mulberry32 } from '../core/timeseries/synthetic.js';
import { postNdjson, useTestServer } from '../server/test-support.js';
import { Entities } from '../store/entities.js';
import { testEngine } from '../store/test-support/test-store.js';
import { type Monitor, monitorIdOf, parseMonitorSpec } from './monitor-spec.js';
import { readMetric } from './readings.js';
import { replayMonitors } from './replay.js';

// A `comparison` monitor: a challenger in shadow (v4 in lab, scoring production's ids) against
// the champion (v3 in production). For three hours the challenger is the champion over again;
// then its signal doubles. The `better` monitor alerts once that is significant, with the
// verdict and the p-value; the `worse` one stays quiet.

const t0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function traffic() {
  const u = mulberry32(3);
  const z = gaussian(u);
  const rows: unknown[] = [];
  for (let h = 0; h < 6; h++)
    for (let i = 0; i < 300; i++) {
      const y = u() < 0.5 ? 1 : 0;
      const s = 2 * y - 1;
      const noise = z();
      const base = {
        model: 'fraud',
        id: `r${h}-${i}`,
        timestamp: t0 + h * HOUR + i * 10_000,
        actual: { label: String(y) },
      };
      const champion = sigmoid(0.6 * s + noise);
      rows.push({ ...base, version: 'v3', environment: 'production', prediction: { score: champion } });
      rows.push({
        ...base,
        version: 'v4',
        environment: 'lab',
        prediction: { score: h < 3 ? champion : sigmoid(1.6 * s + z()) },
      });
    }
  return rows;
}

const spec = (metric: 'better' | 'worse') =>
  parseMonitorSpec({
    name: `challenger ${metric}`,
    model: 'fraud',
    kind: 'comparison',
    metric,
    version: 'v4',
    environment: 'lab',
    compare_to: { version: 'v3', environment: 'production' },
    window: '1h',
    cadence: '1h',
    policy: { alert_after: 1, resolve_after: 1 },
  });
const asMonitor = (s: ReturnType<typeof spec>): Monitor => ({
  ...s,
  id: monitorIdOf(s.name),
  created: 0,
  updated: 0,
});

describe(`comparison monitor (${testEngine})`, () => {
  const t = useTestServer();

  it('alerts when the challenger becomes significantly better, with the verdict and p-value; the worse monitor stays quiet', async () => {
    await t.server.app.inject({
      method: 'PUT',
      url: '/v1/models/fraud',
      payload: { task: 'binary', positive_label: '1' },
    });
    expect((await postNdjson(t.server.app, '/v1/records', traffic())).status).toBe(200);
    const entities = new Entities(t.store, { nowMs: () => t0 + 6 * HOUR });
    const better = asMonitor(spec('better'));
    const worse = asMonitor(spec('worse'));
    expect(better.threshold).toEqual({ op: '<', value: 0.05 });

    const ctx = {
      store: t.store,
      project: 'default',
      model: await modelContext(t.store, entities, 'default', 'fraud'),
    };
    const early = await readMetric(ctx, better, t0 + 2 * HOUR, HOUR);
    expect(early.value).toBe(1);
    expect(early.contributors?.[0]?.feature).toMatch(/^verdict no_detectable_difference on auc/);
    const late = await readMetric(ctx, better, t0 + 5 * HOUR, HOUR);
    expect(late.value).toBeLessThan(0.05);
    expect(late.contributors?.[0]?.feature).toMatch(/^verdict better on auc \(p=[0-9.e-]+, paired, n=300\)$/);
    expect(late.contributors?.[0]?.value).toBeGreaterThan(0);

    const replay = await replayMonitors({
      store: t.store,
      entities,
      project: 'default',
      monitors: [better, worse],
      fromMs: t0 + HOUR,
      toMs: t0 + 6 * HOUR,
      stepMs: HOUR,
    });
    expect(replay.errors).toEqual([]);
    const alerts = replay.events.filter((e) => e.state === 'alert');
    expect([...new Set(alerts.map((e) => e.monitor))]).toEqual([better.name]);
    expect(Date.parse(alerts[0]!.time)).toBeGreaterThanOrEqual(t0 + 4 * HOUR);
    expect(alerts[0]!.value).toBeLessThan(0.05);
  });

  it('refuses a comparison monitor without compare_to or a version, naming the field', () => {
    const base = { name: 'c', model: 'fraud', kind: 'comparison', version: 'v4' };
    expect(() => parseMonitorSpec(base)).toThrow(/^compare_to: /);
    expect(() => parseMonitorSpec({ ...base, compare_to: {} })).toThrow(/^compare_to.version: /);
    expect(() => parseMonitorSpec({ ...base, version: undefined, compare_to: { version: 'v3' } })).toThrow(
      /^version: /,
    );
    expect(() => parseMonitorSpec({ ...base, metric: 'auc', compare_to: { version: 'v3' } })).toThrow(
      /^metric: /,
    );
    expect(() =>
      parseMonitorSpec({
        name: 'l',
        model: 'fraud',
        kind: 'latency',
        threshold: { op: '>', value: 1 },
        compare_to: { version: 'v3' },
      }),
    ).toThrow(/^compare_to: /);
  });
});
