import { describe, expect, it } from 'vitest';
import { computeReport, type ReportInputs } from './compute.js';

const empty: ReportInputs = {
  enrolled: 0,
  active: 0,
  returning: 0,
  calls: 0,
  outcomes: {},
  features: [],
  parts: [],
  latency: null,
  invoked: 0,
  cpuMsTotal: 0,
  costTotal: 0,
  perUser: [],
  spanDays: 1,
  feedback: {
    responses: 0,
    speedAnswers: 0,
    tooSlow: 0,
    importance: [0, 0, 0, 0, 0],
    usefulAnswers: 0,
    usefulYes: 0,
  },
};

const busy: ReportInputs = {
  ...empty,
  enrolled: 12,
  active: 10,
  returning: 4,
  calls: 1000,
  outcomes: { ok: 950, error: 30, timeout: 20 },
  features: [
    ['search', 700],
    ['compose', 300],
  ],
  parts: [['rank', 900, 1800]],
  latency: [12, 40, 95.5],
  invoked: 1000,
  cpuMsTotal: 50_000,
  costTotal: 4,
  perUser: Array.from({ length: 10 }, (_, i) => ({ calls: 100, cost: 0.2 + (i % 5) * 0.1 })),
  spanDays: 2,
  feedback: {
    responses: 10,
    speedAnswers: 10,
    tooSlow: 2,
    importance: [0, 0, 1, 4, 5],
    usefulAnswers: 8,
    usefulYes: 6,
  },
};

describe('computeReport', () => {
  it('has API.md’s keys in order, nulls where there is no data, and says so in the summary', () => {
    const r = computeReport(empty);
    expect(Object.keys(r)).toEqual([
      'summary',
      'users',
      'calls',
      'outcomes',
      'features',
      'parts',
      'latency_ms',
      'feedback',
      'cost',
    ]);
    expect(r.outcomes).toEqual({ ok: 0, error: 0, timeout: 0, rejected: 0, fallback: 0 });
    expect(r.latency_ms).toEqual({ p50: null, p95: null, p99: null });
    expect(r.feedback).toMatchObject({
      too_slow_share: null,
      too_slow_ci: null,
      useful_share: null,
      importance: { mean: null },
    });
    expect(r.cost).toEqual({
      cpu_ms_per_call: null,
      usd_per_1k_calls: null,
      projection: { calls_per_day: 0, usd_per_month: null, interval90: null },
    });
    expect(r.summary).toBe(
      'No user has rated its speed yet, nobody has rated its importance, its cost is unknown until it has served calls.',
    );
  });

  it('prices a stated volume at the observed cost per call', () => {
    const r = computeReport(busy, { projectedCallsPerDay: 10_000 });
    expect(r.cost.cpu_ms_per_call).toBe(50);
    expect(r.cost.usd_per_1k_calls).toBe(4);
    expect(r.cost.projection.calls_per_day).toBe(10_000);
    expect(r.cost.projection.usd_per_month).toBeCloseTo(1200, 9);
    const [lo, hi] = r.cost.projection.interval90 ?? [0, 0];
    expect(lo).toBeLessThan(1200);
    expect(hi).toBeGreaterThan(1200);
    expect(r.summary).toBe(
      '20% of the users who use it find it too slow, 4.4/5 say it matters, it would cost $1,200 a month at 10,000 calls a day.',
    );
  });

  it('defaults to the observed daily volume', () => {
    const r = computeReport(busy);
    expect(r.cost.projection.calls_per_day).toBe(500);
    expect(r.cost.projection.usd_per_month).toBeCloseTo(60, 9);
  });

  it('reports feedback shares and the importance distribution', () => {
    const r = computeReport(busy);
    expect(r.feedback.too_slow_share).toBe(0.2);
    expect(r.feedback.useful_share).toBe(0.75);
    expect(r.feedback.importance).toEqual({ mean: 4.4, counts: { '1': 0, '2': 0, '3': 1, '4': 4, '5': 5 } });
    expect(r.parts).toEqual({ rank: { calls: 900, ms_total: 1800 } });
    expect(r.features).toEqual({ search: 700, compose: 300 });
  });

  it('is reproducible: the same inputs give the same interval', () => {
    expect(computeReport(busy).cost.projection.interval90).toEqual(
      computeReport(busy).cost.projection.interval90,
    );
  });
});
