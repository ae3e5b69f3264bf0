import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TailQuantile } from './tail-quantile.js';

function bruteForce(xs: number[], count: number, q: number): number {
  const held = xs.slice(xs.length - count).sort((a, b) => b - a);
  const rank = Math.max(1, Math.floor((1 - q) * count));
  return held[Math.min(rank, held.length) - 1] ?? 0;
}

describe('TailQuantile', () => {
  it('is exactly the r-th largest of the values it holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1000 }), { maxLength: 400 }),
        (xs) => {
          const t = new TailQuantile(100, 0.95, 20); // 5 per block, 5 blocks of the window kept
          xs.forEach((x, i) => {
            t.push(x);
            expect(t.value()).toBe(bruteForce(xs.slice(0, i + 1), t.count, 0.95));
          });
        },
      ),
    );
  });

  it('holds a window to within one block', () => {
    const t = new TailQuantile(100, 0.95, 20);
    for (let i = 0; i < 1000; i++) t.push(i);
    expect(t.count).toBeGreaterThan(95);
    expect(t.count).toBeLessThanOrEqual(100);
  });

  it('ignores NaN and ±Infinity, and is 0 when empty', () => {
    const t = new TailQuantile(10, 0.9);
    expect(t.value()).toBe(0);
    t.push(Number.NaN);
    t.push(Number.POSITIVE_INFINITY);
    t.push(3);
    expect(t.value()).toBe(3);
    expect(t.count).toBe(1);
  });

  it('rescales what it holds', () => {
    const t = new TailQuantile(10, 0.9);
    for (const x of [1, 2, 3]) t.push(x);
    t.rescale(2);
    expect(t.value()).toBe(6);
  });

  it('rejects a quantile outside (0, 1)', () => {
    expect(() => new TailQuantile(10, 1)).toThrow(RangeError);
  });
});
