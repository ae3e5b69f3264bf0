import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMonitorsFile } from '../cli/monitor-command.js';
import { postNdjson, useTestServer } from '../server/test-support.js';

// Issue 13, item 9: the example monitors file (examples/monitors.yaml) loads as `vigil serve
// --monitors` loads it, and every monitor in it evaluates on models shaped like the demo's.

const FILE = fileURLToPath(new URL('../../examples/monitors.yaml', import.meta.url));
const HOUR = 3_600_000;
const now = Math.floor(Date.now() / HOUR) * HOUR;

function demoLike() {
  const rows: object[] = [];
  const actuals: object[] = [];
  for (let h = 0; h < 72; h++) {
    const ts = now - (72 - h) * HOUR;
    for (let i = 0; i < 12; i++) {
      const k = h * 12 + i;
      const score = ((k * 37) % 100) / 100;
      for (const environment of h < 24 ? ['training', 'production'] : ['production']) {
        const id = `${environment}-${k}`;
        rows.push({
          model: 'fraud',
          environment,
          id,
          timestamp: ts + i * 60_000,
          features: { amount: (k * 13) % 500, channel: k % 3 ? 'web' : 'app' },
          prediction: { score, label: score >= 0.5 ? '1' : '0' },
          latency_ms: 5 + (k % 20),
          actual: { label: (k * 7) % 10 < 3 ? '1' : '0' },
        });
        rows.push({
          model: 'demand',
          environment,
          id,
          timestamp: ts + i * 60_000,
          features: { price: 10 + (k % 7), promo: k % 2 === 0 },
          prediction: { value: 100 + (k % 11) },
          actual: { value: 100 + (k % 13) },
        });
        rows.push({
          model: 'recommender',
          environment,
          id,
          timestamp: ts + i * 60_000,
          features: { user_age: 20 + (k % 40) },
          prediction: { ranking: ['a', 'b', 'c', 'd'] },
        });
        actuals.push({
          model: 'recommender',
          id,
          actual: { relevance: { [['a', 'b', 'c', 'd'][k % 4]!]: 1 } },
        });
      }
    }
  }
  return { rows, actuals };
}

describe('examples/monitors.yaml', () => {
  const ctx = useTestServer();

  it('loads as `vigil serve --monitors` loads it, and each of its monitors evaluates without error', async () => {
    const { app, monitors } = ctx.server;
    const { rows, actuals } = demoLike();
    await postNdjson(app, '/v1/records', rows);
    await postNdjson(app, '/v1/actuals', actuals);
    const specs = await readMonitorsFile(FILE);
    expect(specs.length).toBeGreaterThanOrEqual(6);
    expect(new Set(specs.map((s) => s.model))).toEqual(new Set(['fraud', 'demand', 'recommender']));
    const loaded = await monitors.loadFile('default', specs);
    for (const m of loaded) await monitors.evaluate('default', m, now, { sinceMs: now - 2 * 24 * HOUR });
    const list = (await app.inject({ method: 'GET', url: '/v1/monitors' })).json() as {
      monitors: Array<{
        name: string;
        status: { state: string; error: string | null; evaluated: string | null };
      }>;
    };
    expect(list.monitors).toHaveLength(specs.length);
    for (const m of list.monitors) {
      expect(m.status.error, m.name).toBeNull();
      expect(m.status.state, m.name).not.toBe('error');
    }
  });
});
