import { describe, expect, it } from 'vitest';
import { bucketOf, isAllocated } from './allocation.js';

describe('allocation', () => {
  it('is deterministic per user and experiment, and independent across experiments', () => {
    expect(bucketOf('exp-a', 'u1')).toBe(bucketOf('exp-a', 'u1'));
    expect(bucketOf('exp-a', 'u1')).not.toBe(bucketOf('exp-b', 'u1'));
  });

  it('serves close to the stated share of users', () => {
    const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    for (const percent of [0, 10, 50, 100]) {
      const served =
        users.filter((u) => isAllocated('exp', { percent, allow_hashes: [] }, u)).length / users.length;
      expect(Math.abs(served - percent / 100)).toBeLessThan(0.015);
    }
  });

  it('always serves the allow-list', () => {
    expect(isAllocated('exp', { percent: 0, allow_hashes: ['vip'] }, 'vip')).toBe(true);
    expect(isAllocated('exp', { percent: 0, allow_hashes: ['vip'] }, 'other')).toBe(false);
  });
});
