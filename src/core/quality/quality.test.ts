import { describe, expect, it } from 'vitest';
import { profileOf } from './profile.js';
import { checkFeatureQuality, checkQualityBuckets, worstStatus } from './quality.js';

const reference = profileOf(Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? null : (i % 37) / 3)));

describe('checkFeatureQuality', () => {
  it('runs the seven checks and reports the worst status', () => {
    const q = checkFeatureQuality(profileOf(Array.from({ length: 200 }, (_, i) => (i % 37) / 3)), reference);
    expect(Object.keys(q.checks)).toEqual([
      'missing',
      'type_mismatch',
      'new_categories',
      'vanished_categories',
      'out_of_range',
      'constant',
      'cardinality',
    ]);
    expect(q.status).toBe('ok');
    const broken = checkFeatureQuality(
      profileOf(Array.from({ length: 200 }, (_, i) => (i < 100 ? null : 5))),
      reference,
    );
    expect(broken.status).toBe('fail');
    expect(broken.checks.missing.status).toBe('fail');
    expect(broken.checks.constant.status).toBe('fail');
  });

  it('works without a reference and rejects inconsistent profiles', () => {
    expect(checkFeatureQuality(profileOf([1, 2, 3]), null).status).toBe('ok');
    expect(() => checkFeatureQuality({ rows: 1, numeric: 3, categorical: 0 }, null)).toThrow(/current/);
  });
});

describe('checkQualityBuckets', () => {
  it('shows the bucket in which a feature started arriving as strings', () => {
    const hour = (i: number) =>
      profileOf(Array.from({ length: 100 }, (_, k) => (i >= 2 && k < 30 ? 'N/A' : (k % 37) / 3)));
    const buckets = [0, 1, 2, 3].map((i) => ({ start: `2026-11-29T0${i}:00:00Z`, profile: hour(i) }));
    const result = checkQualityBuckets(buckets, reference);
    expect(result.map((b) => [b.start, b.status, b.checks.type_mismatch.status])).toEqual([
      ['2026-11-29T00:00:00Z', 'ok', 'ok'],
      ['2026-11-29T01:00:00Z', 'ok', 'ok'],
      ['2026-11-29T02:00:00Z', 'warning', 'warning'],
      ['2026-11-29T03:00:00Z', 'warning', 'warning'],
    ]);
  });
});

describe('worstStatus', () => {
  it('orders fail > warning > ok', () => {
    expect(worstStatus([])).toBe('ok');
    expect(worstStatus(['warning', 'ok'])).toBe('warning');
    expect(worstStatus(['ok', 'fail', 'warning'])).toBe('fail');
  });
});
