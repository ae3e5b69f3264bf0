import { describe, expect, it } from 'vitest';
import { eventThreshold, learnThreshold } from './monitor-evaluator.js';
import { type Monitor, parseMonitorSpec } from './monitor-spec.js';

const monitor = (spec: Record<string, unknown>): Monitor => ({
  ...parseMonitorSpec({ name: 'm', model: 'fraud', threshold: { auto: true }, ...spec }),
  id: 'm',
  created: 0,
  updated: 0,
});

describe('learnThreshold', () => {
  it('waits for 24 readings before it learns anything', () => {
    expect(learnThreshold(monitor({ kind: 'latency' }), Array(23).fill(10))).toBeNull();
  });

  it('puts a drop threshold below the median of a performance metric, a rise threshold above a latency', () => {
    // 0.90 ± 0.01 alternating: median 0.90 (either middle value), robust sigma ≈ 1.4826 · 0.01.
    const accuracy = Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.91 : 0.89));
    const low = learnThreshold(monitor({ kind: 'estimated_performance', metric: 'accuracy' }), accuracy);
    expect(low?.op).toBe('<');
    expect(low!.value).toBeLessThan(0.89 - 3 * 0.01);
    expect(low!.value).toBeGreaterThan(0.89 - 8 * 0.01);
    const high = learnThreshold(
      monitor({ kind: 'latency', metric: 'p99' }),
      accuracy.map((x) => x * 100),
    );
    expect(high?.op).toBe('>');
    expect(high!.value).toBeGreaterThan(91 + 3);
  });

  it('a higher sensitivity widens the band; one outlier does not move it', () => {
    const history = Array.from({ length: 48 }, (_, i) => 100 + (i % 5));
    const base = learnThreshold(monitor({ kind: 'latency' }), history)!;
    const wide = learnThreshold(
      monitor({ kind: 'latency', threshold: { auto: true, sensitivity: 8 } }),
      history,
    )!;
    expect(wide.value).toBeGreaterThan(base.value);
    const spiked = learnThreshold(monitor({ kind: 'latency' }), [...history.slice(1), 10_000])!;
    expect(Math.abs(spiked.value - base.value)).toBeLessThan(5);
  });

  it('a flat history still gets a threshold just off its level', () => {
    const t = learnThreshold(monitor({ kind: 'cost', metric: 'usd_per_day' }), Array(30).fill(2.5))!;
    expect(t.op).toBe('>');
    expect(t.value).toBeGreaterThan(2.5);
    expect(t.value).toBeLessThan(2.6);
  });
});

describe('eventThreshold', () => {
  it("is the monitor's own threshold when static, and one that never breaches while it is learned", () => {
    const fixed = monitor({ kind: 'latency', metric: 'p99', threshold: { op: '>', value: 250 } });
    expect(eventThreshold(fixed)).toEqual({ op: '>', value: 250 });
    const learned = eventThreshold(monitor({ kind: 'latency', metric: 'p99' }));
    expect(learned.op).toBe('>');
    expect(Number.isNaN(learned.value)).toBe(true);
  });
});
