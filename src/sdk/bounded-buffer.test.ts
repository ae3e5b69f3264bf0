import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedBuffer } from './bounded-buffer.js';

describe('BoundedBuffer, drop-oldest', () => {
  it('keeps the newest `capacity` entries in order and reports each dropped one', () => {
    const dropped: number[] = [];
    const b = new BoundedBuffer<number>(3, 'drop-oldest', (x) => dropped.push(x));
    for (let i = 0; i < 7; i++) expect(b.offer(i)).toBeUndefined();
    expect(dropped).toEqual([0, 1, 2, 3]);
    expect(b.length).toBe(3);
    expect(b.take(10)).toEqual([4, 5, 6]);
    expect(b.length).toBe(0);
  });

  it('grows past its first slots and wraps around without reordering', () => {
    const b = new BoundedBuffer<number>(5000, 'drop-oldest');
    let next = 0;
    const expected: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1500; i++) void b.offer(next++);
      expected.push(...b.take(700));
    }
    expected.push(...b.take(Number.MAX_SAFE_INTEGER));
    expect(expected).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('matches a plain array model for any sequence of offers and takes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }),
        (capacity, ops) => {
          let dropped = 0;
          const b = new BoundedBuffer<number>(capacity, 'drop-oldest', () => dropped++);
          const model: number[] = [];
          let modelDropped = 0;
          let n = 0;
          for (const op of ops) {
            if (op === -1) {
              void b.offer(n);
              model.push(n++);
              if (model.length > capacity) {
                model.shift();
                modelDropped++;
              }
            } else {
              expect(b.take(op)).toEqual(model.splice(0, op));
            }
          }
          expect(b.length).toBe(model.length);
          expect(dropped).toBe(modelDropped);
        },
      ),
    );
  });
});

describe('BoundedBuffer, block', () => {
  it('makes the caller wait for room, then admits waiters in order as take() frees it', async () => {
    const b = new BoundedBuffer<string>(2, 'block', () => {
      throw new Error('block never drops');
    });
    expect(b.offer('a')).toBeUndefined();
    expect(b.offer('b')).toBeUndefined();
    const admitted: string[] = [];
    const c = b.offer('c')?.then(() => admitted.push('c'));
    const d = b.offer('d')?.then(() => admitted.push('d'));
    const e = b.offer('e')?.then(() => admitted.push('e'));
    expect(c).toBeInstanceOf(Promise);
    expect(b.waiting).toBe(3);
    expect(b.length).toBe(2);
    await Promise.resolve();
    expect(admitted).toEqual([]);

    expect(b.take(1)).toEqual(['a']);
    await c;
    expect(admitted).toEqual(['c']);
    expect(b.waiting).toBe(2);
    expect(b.take(5)).toEqual(['b', 'c']);
    await Promise.all([d, e]);
    expect(admitted).toEqual(['c', 'd', 'e']);
    expect(b.take(5)).toEqual(['d', 'e']);
  });

  it('queues behind earlier waiters even when room appears, so log order holds', () => {
    const b = new BoundedBuffer<number>(1, 'block');
    void b.offer(1);
    void b.offer(2);
    expect(b.take(1)).toEqual([1]); // admits 2
    expect(b.offer(3)).toBeInstanceOf(Promise);
    expect(b.take(2)).toEqual([2]);
    expect(b.take(2)).toEqual([3]);
  });

  it('releaseWaiters resolves every waiting caller and hands back their entries', async () => {
    const b = new BoundedBuffer<number>(1, 'block');
    void b.offer(1);
    const waits = [b.offer(2), b.offer(3)];
    expect(b.releaseWaiters()).toEqual([2, 3]);
    await Promise.all(waits);
    expect(b.waiting).toBe(0);
    expect(b.take(9)).toEqual([1]);
  });
});

describe('BoundedBuffer options', () => {
  it.each([0, -1, 1.5, Number.NaN])('refuses capacity %s', (capacity) => {
    expect(() => new BoundedBuffer(capacity, 'block')).toThrow(RangeError);
  });
});
