import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingMax } from './sliding-max.js';

describe('SlidingMax', () => {
  it('equals the brute-force maximum of the last window values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 80 }),
        (w, xs) => {
          const m = new SlidingMax(w);
          xs.forEach((x, i) => {
            m.push(x);
            expect(m.max).toBe(Math.max(...xs.slice(Math.max(0, i - w + 1), i + 1)));
          });
        },
      ),
    );
  });

  it('is -Infinity when empty', () => {
    expect(new SlidingMax(3).max).toBe(Number.NEGATIVE_INFINITY);
  });
});
