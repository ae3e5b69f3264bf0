import { describe, expect, it } from 'vitest';
import {
  bootstrapUsers,
  mulberry32,
  nearestRank,
  quantileLinear,
  usersInterval,
  wilsonInterval,
} from './stats.js';

// References: scipy 1.17.1 `binomtest(k, n).proportion_ci(method='wilson')` (95%), abs 1e-12.
const WILSON: Array<{ name: string; k: number; n: number; lo: number; hi: number }> = [
  { name: '2 of 10', k: 2, n: 10, lo: 0.056682151454375274, hi: 0.5098375284633583 },
  { name: 'none of 10', k: 0, n: 10, lo: 0, hi: 0.27753279986288926 },
  { name: 'all of 10', k: 10, n: 10, lo: 0.7224672001371109, hi: 1 },
  { name: 'half of 100', k: 50, n: 100, lo: 0.4038315303659956, hi: 0.5961684696340044 },
  { name: '1 of 3', k: 1, n: 3, lo: 0.06149194472039626, hi: 0.7923403991979523 },
  { name: '37 of 180', k: 37, n: 180, lo: 0.1529702227235919, hi: 0.270446014941358 },
];

describe('wilsonInterval', () => {
  it.each(WILSON)('$name', ({ k, n, lo, hi }) => {
    const ci = wilsonInterval(k, n);
    expect(ci?.[0]).toBeCloseTo(lo, 12);
    expect(ci?.[1]).toBeCloseTo(hi, 12);
  });

  it('is undefined without answers or with an impossible count', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
  });
});

describe('quantiles', () => {
  it('nearestRank matches ClickHouse quantilesExact (index ⌊q·n⌋)', () => {
    const xs = [0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5, 15]; // measured on both engines: [7.5, 15, 15]
    expect([0.5, 0.95, 0.99].map((q) => nearestRank(xs, q))).toEqual([7.5, 15, 15]);
    expect(nearestRank([], 0.5)).toBeNaN();
  });

  it('quantileLinear is numpy’s linear quantile', () => {
    expect(quantileLinear([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileLinear([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileLinear([7], 0.95)).toBe(7);
  });
});

describe('bootstrapUsers', () => {
  const users = Array.from({ length: 50 }, (_, i) => ({
    calls: 1 + (i % 7),
    cost: (1 + (i % 7)) * (0.001 + (i % 3) * 0.0005),
  }));
  const perCall = (calls: number, cost: number) => cost / calls;

  it('is reproducible with a seed and moves with it', () => {
    const a = bootstrapUsers(users, perCall, { seed: 1 });
    expect(bootstrapUsers(users, perCall, { seed: 1 })).toEqual(a);
    expect(bootstrapUsers(users, perCall, { seed: 2 })).not.toEqual(a);
    expect(a).toHaveLength(2000);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
  });

  it('brackets the observed ratio, and collapses when every call costs the same', () => {
    const observed = users.reduce((s, u) => s + u.cost, 0) / users.reduce((s, u) => s + u.calls, 0);
    const boot = bootstrapUsers(users, perCall, { seed: 7 });
    expect(quantileLinear(boot, 0.05)).toBeLessThan(observed);
    expect(quantileLinear(boot, 0.95)).toBeGreaterThan(observed);
    const flat = bootstrapUsers(
      users.map((u) => ({ calls: u.calls, cost: u.calls * 0.002 })),
      perCall,
      { seed: 7 },
    );
    expect(flat[0]).toBeCloseTo(0.002, 15);
    expect(flat[flat.length - 1]).toBeCloseTo(0.002, 15);
  });

  it('bounds the work for many users, and is empty without users', () => {
    expect(
      bootstrapUsers(
        Array.from({ length: 10_000 }, () => ({ calls: 1, cost: 1 })),
        perCall,
        { seed: 1 },
      ),
    ).toHaveLength(500);
    expect(bootstrapUsers([], perCall, { seed: 1 })).toEqual([]);
  });

  it('past 20,000 users the normal approximation agrees with the bootstrap', () => {
    const make = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        calls: 1 + (i % 9),
        cost: (1 + (i % 9)) * 0.001 * (1 + (i % 4)),
      }));
    // The same population at 20,000 (bootstrap) and 20,001 users (normal approximation).
    for (const kind of ['ratio', 'total'] as const) {
      const [blo, bhi] = usersInterval(make(20_000), kind, 1, 3) ?? [0, 0];
      const [nlo, nhi] = usersInterval(make(20_001), kind, 1, 3) ?? [0, 0];
      const width = bhi - blo;
      expect(Math.abs(nlo - blo)).toBeLessThan(0.15 * width + (kind === 'total' ? 0.01 : 0));
      expect(Math.abs(nhi - bhi)).toBeLessThan(0.15 * width + (kind === 'total' ? 0.01 : 0));
    }
  });

  it('mulberry32 gives the same stream for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });
});
