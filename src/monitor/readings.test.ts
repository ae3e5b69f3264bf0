import { describe, expect, it } from 'vitest';
import { type Monitor, parseMonitorSpec } from './monitor-spec.js';
import { baselineWindow } from './readings.js';

const HOUR = 3_600_000;
const monitor = (baseline: unknown): Monitor => ({
  ...parseMonitorSpec({
    name: 'm',
    model: 'fraud',
    kind: 'drift',
    threshold: { op: '>', value: 0.2 },
    baseline,
  }),
  id: 'm',
  created: 0,
  updated: 0,
});

describe('baselineWindow', () => {
  it('a trailing baseline is the span just before the evaluation window', () => {
    const t = 1000 * HOUR;
    expect(baselineWindow(monitor({ trailing: '7d' }), t, 24 * HOUR)).toMatchObject({
      environment: 'production',
      fromMs: t - 24 * HOUR - 7 * 24 * HOUR,
      toMs: t - 24 * HOUR,
    });
    expect(baselineWindow(monitor({ trailing: '90m' }), t, HOUR)).toMatchObject({
      fromMs: t - HOUR - 90 * 60_000,
    });
  });

  it('training is the training environment; a fixed window never reaches past t', () => {
    expect(baselineWindow(monitor('training'), 5, HOUR)).toMatchObject({ environment: 'training', toMs: 5 });
    expect(baselineWindow(monitor({ from: 2e12, to: 2e12 + 10 * HOUR }), 2e12 + HOUR, HOUR)).toMatchObject({
      fromMs: 2e12,
      toMs: 2e12 + HOUR,
    });
  });
});
