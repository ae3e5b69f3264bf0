// Fixed-capacity ring buffer of numbers: the detector's state is a handful of these, which is what keeps
// memory bounded however long a series streams.

/** RingBuffer keeps the last `capacity` numbers pushed into it. */
export class RingBuffer {
  readonly capacity: number;
  private readonly data: Float64Array;
  private pushed = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be ≥ 1, got ${capacity}`);
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  /** size is how many values are held (at most capacity). */
  get size(): number {
    return Math.min(this.pushed, this.capacity);
  }

  /** total is how many values were ever pushed. */
  get total(): number {
    return this.pushed;
  }

  push(value: number): void {
    this.data[this.pushed % this.capacity] = value;
    this.pushed += 1;
  }

  /** last returns the value pushed `back` steps ago (0 = newest); NaN when not held. */
  last(back = 0): number {
    if (back < 0 || back >= this.size) return Number.NaN;
    return this.data[(this.pushed - 1 - back) % this.capacity] ?? Number.NaN;
  }

  /** setLast overwrites the value pushed `back` steps ago, if it is still held. */
  setLast(back: number, value: number): void {
    if (back < 0 || back >= this.size) return;
    this.data[(this.pushed - 1 - back) % this.capacity] = value;
  }

  /** copyTo writes the held values (in storage order, which is enough for order statistics) into `out`. */
  copyTo(out: Float64Array): number {
    const n = this.size;
    out.set(this.data.subarray(0, n));
    return n;
  }

  /** copyRecentTo writes the newest `count` values into `out`, newest first; returns how many. */
  copyRecentTo(out: Float64Array, count: number): number {
    const n = Math.min(count, this.size, out.length);
    for (let i = 0; i < n; i++) out[i] = this.data[(this.pushed - 1 - i) % this.capacity] ?? Number.NaN;
    return n;
  }

  clear(): void {
    this.pushed = 0;
  }
}
