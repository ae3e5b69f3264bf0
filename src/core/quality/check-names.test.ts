import { describe, expect, it } from 'vitest';
import { QUALITY_CHECK_NAMES } from './check-names.js';
import { profileOf } from './profile.js';
import { checkFeatureQuality } from './quality.js';

describe('QUALITY_CHECK_NAMES', () => {
  it('names every check checkFeatureQuality runs, in its order', () => {
    const q = checkFeatureQuality(profileOf([1, 2, 3]), profileOf([1, 2, 4]));
    expect(Object.keys(q.checks)).toEqual([...QUALITY_CHECK_NAMES]);
  });
});
