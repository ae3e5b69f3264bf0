import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst of the minute’s allowance, then one call per 60/n seconds', () => {
    const r = new RateLimiter({ perMinute: 3 });
    const t0 = 0;
    expect([r.take('u', t0), r.take('u', t0), r.take('u', t0), r.take('u', t0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(r.take('u', t0 + 19_999)).toBe(false);
    expect(r.take('u', t0 + 20_000)).toBe(true);
    expect(r.take('u', t0 + 20_001)).toBe(false);
    expect(r.take('other', t0)).toBe(true);
  });

  it('refills completely after a minute, never beyond', () => {
    const r = new RateLimiter({ perMinute: 2 });
    r.take('u', 0);
    r.take('u', 0);
    const later = 10 * 60_000;
    expect([r.take('u', later), r.take('u', later), r.take('u', later)]).toEqual([true, true, false]);
  });

  it('stays bounded in keys, forgetting idle users first', () => {
    const r = new RateLimiter({ perMinute: 1, maxKeys: 3 });
    r.take('a', 0);
    r.take('b', 0);
    r.take('c', 60_000);
    r.take('d', 60_000); // a and b have refilled: dropped
    expect(r.size).toBe(2);
    expect(r.take('c', 60_000)).toBe(false); // still remembered
  });
});
