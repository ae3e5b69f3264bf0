import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest values and reads them back newest first', () => {
    const r = new RingBuffer(3);
    for (const x of [1, 2, 3, 4, 5]) r.push(x);
    expect({ size: r.size, total: r.total }).toEqual({ size: 3, total: 5 });
    expect([r.last(0), r.last(1), r.last(2)]).toEqual([5, 4, 3]);
    expect(r.last(3)).toBeNaN();
    const out = new Float64Array(3);
    expect(r.copyRecentTo(out, 2)).toBe(2);
    expect(Array.from(out.subarray(0, 2))).toEqual([5, 4]);
    expect(r.copyTo(out)).toBe(3);
    expect(Array.from(out).sort()).toEqual([3, 4, 5]);
  });

  it('overwrites a held value and ignores one that is gone', () => {
    const r = new RingBuffer(2);
    r.push(1);
    r.push(2);
    r.setLast(1, 10);
    r.setLast(5, 99);
    expect([r.last(0), r.last(1)]).toEqual([2, 10]);
  });

  it('starts empty and can be cleared', () => {
    const r = new RingBuffer(2);
    expect(r.last()).toBeNaN();
    r.push(1);
    r.clear();
    expect(r.size).toBe(0);
  });

  it('rejects a capacity below 1', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
